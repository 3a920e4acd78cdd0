namespace HubPlatform.Tests.Search;

/// <summary>
/// Random unit vectors shaped like sentence embeddings: 384 dimensions, but spread over a random
/// 16-dimensional subspace plus a little isotropic noise. Real embeddings have such a low intrinsic
/// dimension; uniformly random 384-d vectors instead are all nearly equidistant, so their "nearest"
/// neighbours are ties that no ANN index (and no search user) can tell apart.
/// </summary>
public sealed class RandomVectors(int seed, int dimensions = 384, int intrinsicDimensions = 16)
{
    private readonly Random _random = new(seed);
    private float[,]? _basis;

    public float[] Next()
    {
        _basis ??= Matrix(dimensions, intrinsicDimensions);
        Span<float> latent = stackalloc float[intrinsicDimensions];
        for (var j = 0; j < latent.Length; j++)
        {
            latent[j] = Gaussian();
        }
        var vector = new float[dimensions];
        var norm = 0.0;
        for (var i = 0; i < dimensions; i++)
        {
            var x = 0.05f * Gaussian();
            for (var j = 0; j < latent.Length; j++)
            {
                x += _basis[i, j] * latent[j];
            }
            vector[i] = x;
            norm += x * x;
        }
        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] *= scale;
        }
        return vector;
    }

    private float[,] Matrix(int rows, int columns)
    {
        var matrix = new float[rows, columns];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                matrix[i, j] = Gaussian() / MathF.Sqrt(columns);
            }
        }
        return matrix;
    }

    // Box-Muller.
    private float Gaussian() => (float)(Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble()));
}
