using Google.Protobuf;
using Onnx;

namespace HubPlatform.Search.Embeddings;

/// <summary>
/// Dynamic int8 quantization of a transformer's weights, as ONNX Runtime's Python
/// <c>quantize_dynamic</c> does it, done here at start-up so the one model file the MiniLM package
/// ships serves both precisions. Every MatMul by a constant fp32 weight matrix becomes ONNX
/// Runtime's <c>DynamicQuantizeMatMul</c> (com.microsoft): weights int8, symmetric, one scale per
/// output column; activations quantized to uint8 per run. On CPUs with VNNI (AVX-512 VNNI, AVX-VNNI)
/// those products run as int8 dot products, several times the fp32 throughput. Matrix products of two
/// activations (attention scores) stay fp32.
/// </summary>
public static class Int8Quantization
{
    private const string MicrosoftDomain = "com.microsoft";

    /// <summary>
    /// The quantized model, and how many weight matrices were quantized. <paramref name="feedForwardOutput"/> false
    /// leaves the matrices taller than wide (the feed-forward output, 1536 → 384) in fp32.
    /// </summary>
    public static (byte[] Model, int QuantizedMatMuls) Quantize(byte[] fp32Model, bool feedForwardOutput = true)
    {
        var model = ModelProto.Parser.ParseFrom(fp32Model);
        var graph = model.Graph;
        var weights = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var uses = graph.Node.SelectMany(n => n.Input).GroupBy(i => i, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var quantized = 0;
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (node.OpType != "MatMul" || node.Domain.Length > 0 || !weights.TryGetValue(node.Input[1], out var weight)
                || weight.Dims.Count != 2 || weight.DataType != (int)TensorProto.Types.DataType.Float
                || (!feedForwardOutput && weight.Dims[0] > weight.Dims[1]))
            {
                continue;
            }
            var (values, scales) = QuantizePerColumn(weight);
            graph.Initializer.Add(values);
            graph.Initializer.Add(scales);
            var replacement = new NodeProto { Name = node.Name + "_int8", OpType = "DynamicQuantizeMatMul", Domain = MicrosoftDomain };
            replacement.Input.Add(node.Input[0]);
            replacement.Input.Add(values.Name);
            replacement.Input.Add(scales.Name);
            replacement.Output.Add(node.Output[0]);
            graph.Node[i] = replacement;
            if (--uses[weight.Name] == 0)
            {
                graph.Initializer.Remove(weight);
            }
            quantized++;
        }
        if (!model.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }
        return (model.ToByteArray(), quantized);
    }

    /// <summary>Symmetric int8 per output column: scale = max |w| of the column / 127, zero point 0.</summary>
    private static (TensorProto Values, TensorProto Scales) QuantizePerColumn(TensorProto weight)
    {
        var rows = (int)weight.Dims[0];
        var columns = (int)weight.Dims[1];
        var w = Floats(weight);
        var scales = new float[columns];
        for (var k = 0; k < rows; k++)
        {
            for (var n = 0; n < columns; n++)
            {
                scales[n] = Math.Max(scales[n], Math.Abs(w[k * columns + n]));
            }
        }
        for (var n = 0; n < columns; n++)
        {
            scales[n] = scales[n] > 0 ? scales[n] / 127f : 1f;
        }
        var q = new byte[w.Length];
        for (var k = 0; k < rows; k++)
        {
            for (var n = 0; n < columns; n++)
            {
                q[k * columns + n] = unchecked((byte)(sbyte)Math.Clamp(MathF.Round(w[k * columns + n] / scales[n]), -127, 127));
            }
        }
        var values = new TensorProto
        {
            Name = weight.Name + "_int8", DataType = (int)TensorProto.Types.DataType.Int8,
            RawData = ByteString.CopyFrom(q)
        };
        values.Dims.Add(weight.Dims);
        var scaleTensor = new TensorProto
        {
            Name = weight.Name + "_scale", DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(scales.AsSpan()))
        };
        scaleTensor.Dims.Add(columns);
        return (values, scaleTensor);
    }

    private static float[] Floats(TensorProto tensor) =>
        tensor.RawData.Length > 0
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
            : tensor.FloatData.ToArray();
}
