using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace HubPlatform.Search.Embeddings;

/// <summary>
/// Appends the configured ONNX Runtime execution provider. CUDA only exists in the GPU build of ONNX
/// Runtime (Microsoft.ML.OnnxRuntime.Gpu) on a host with a CUDA device. Asking for it anywhere else is a
/// configuration error and stops the service with the reason: a replica silently embedding on CPU while
/// its operator believes it has a GPU is worse than one that does not start.
/// </summary>
public static class OnnxExecutionProviders
{
    private const string Cuda = "CUDAExecutionProvider";

    public static EmbeddingExecutionProvider Append(SessionOptions session, EmbeddingOptions options)
    {
        if (options.ExecutionProvider == EmbeddingExecutionProvider.Cpu)
        {
            return EmbeddingExecutionProvider.Cpu;
        }
        if (!Enum.IsDefined(options.ExecutionProvider))
        {
            throw new InvalidOperationException($"{EmbeddingOptions.Section}:ExecutionProvider is cpu or cuda, not {options.ExecutionProvider}.");
        }
        var available = OrtEnv.Instance().GetAvailableProviders();
        if (!available.Contains(Cuda))
        {
            throw new InvalidOperationException(
                $"{EmbeddingOptions.Section}:ExecutionProvider is cuda, but this ONNX Runtime build only has {string.Join(", ", available)}. " +
                "Use the Microsoft.ML.OnnxRuntime.Gpu package on a host with CUDA, or set it to cpu.");
        }
        try
        {
            session.AppendExecutionProvider_CUDA(options.CudaDeviceId);
            return EmbeddingExecutionProvider.Cuda;
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException(
                $"{EmbeddingOptions.Section}:ExecutionProvider is cuda, but CUDA device {options.CudaDeviceId} is not usable (driver or CUDA " +
                $"libraries missing?): {e.Message}", e);
        }
    }
}
