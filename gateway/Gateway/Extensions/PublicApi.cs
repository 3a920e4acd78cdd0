using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace HubPlatform.Gateway.Extensions;

/// <summary>
/// The public API is versioned: users call <c>/api/v1/...</c>, services keep their own
/// <c>/api/...</c> paths. Only the gateway knows the version, so a v2 can be routed next to v1
/// without touching a service.
/// </summary>
public static class PublicApi
{
    public const string Prefix = "/api/v1";

    /// <summary>The public path of a service path: <c>/api/models/x</c> → <c>/api/v1/models/x</c>.</summary>
    public static string ToPublicPath(string servicePath) =>
        servicePath.StartsWith("/api/", StringComparison.Ordinal) ? Prefix + servicePath["/api".Length..] : servicePath;

    /// <summary>Routes matched under /api/v1 are forwarded without the version segment.</summary>
    public static void AddVersionTransform(TransformBuilderContext context)
    {
        if (context.Route.Match.Path?.StartsWith(Prefix + "/", StringComparison.Ordinal) == true)
        {
            context.AddPathRemovePrefix(Prefix);
            context.AddPathPrefix("/api");
        }
    }
}
