using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace HubPlatform.Gateway.Compression;

/// <summary>
/// Response compression: Brotli or gzip at the fastest level, inside the output cache (Program.cs), so a cached answer
/// is stored compressed and served without compressing again; what is not cached (the explorer's assets, errors) is
/// compressed per answer, which the fastest level keeps cheap.
/// </summary>
public static class GatewayCompression
{
    /// <summary>
    /// Text the gateway sends: the API's JSON and problem details, the explorer's and the API reference's HTML, scripts
    /// and styles. Not CSV exports: large, uncached, streamed downloads whose compact form is the Parquet export
    /// (compressed inside); not Parquet or images, compressed already.
    /// </summary>
    public static readonly string[] MimeTypes =
    [
        "application/json", "application/problem+json", "text/json", "text/plain", "text/html", "text/css",
        "text/javascript", "application/javascript", "image/svg+xml", "application/manifest+json",
    ];

    public static IServiceCollection AddGatewayCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(options =>
        {
            // The public API's bodies carry no secrets (see GatewayCompressionProvider.ShouldCompressResponse on BREACH).
            options.EnableForHttps = true;
            options.MimeTypes = MimeTypes;
        });
        services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        services.Replace(ServiceDescriptor.Singleton<IResponseCompressionProvider, GatewayCompressionProvider>());
        return services;
    }

    /// <summary>
    /// Services are asked for uncompressed bodies: the gateway compresses, once, in the coding its cache keys on. A service
    /// that compressed by the client's raw header could put, say, a deflate body under the identity key.
    /// </summary>
    public static void AskServicesForIdentity(TransformBuilderContext context) =>
        context.AddRequestHeaderRemove(HeaderNames.AcceptEncoding);
}
