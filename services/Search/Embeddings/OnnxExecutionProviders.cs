using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace HubPlatform.Search.Embeddings;

/// <summary>
/// Picks the ONNX Runtime execution provider. CUDA only exists in the GPU build of ONNX Runtime
/// (Microsoft.ML.OnnxRuntime.Gpu) on a host with a CUDA device; anywhere else a CUDA setting falls back to
/// CPU with a warning, so one configuration can be shared by GPU and CPU replicas.
/// </summary>
public static class OnnxExecutionProviders
{
    private const string Cuda = "CUDAExecutionProvider";

    public static EmbeddingExecutionProvider Append(SessionOptions session, EmbeddingOptions options, ILogger logger)
    {
        if (options.ExecutionProvider != EmbeddingExecutionProvider.Cuda)
        {
            return EmbeddingExecutionProvider.Cpu;
        }
        if (!OrtEnv.Instance().GetAvailableProviders().Contains(Cuda))
        {
            logger.LogWarning("Embeddings: CUDA was configured but this ONNX Runtime build has no {Provider}; running on CPU.", Cuda);
            return EmbeddingExecutionProvider.Cpu;
        }
        try
        {
            session.AppendExecutionProvider_CUDA(options.CudaDeviceId);
            return EmbeddingExecutionProvider.Cuda;
        }
        catch (OnnxRuntimeException e)
        {
            // The provider is compiled in but the device or the CUDA libraries are missing.
            logger.LogWarning(e, "Embeddings: CUDA device {Device} is not usable; running on CPU.", options.CudaDeviceId);
            return EmbeddingExecutionProvider.Cpu;
        }
    }
}
