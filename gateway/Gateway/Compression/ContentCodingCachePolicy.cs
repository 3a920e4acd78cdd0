using Microsoft.AspNetCore.OutputCaching;

namespace HubPlatform.Gateway.Compression;

/// <summary>
/// Keys every output-cached answer by the content coding it is sent in (br, gzip or identity; <see cref="ContentCodings"/>),
/// not by the raw Accept-Encoding: the cache stores compressed bodies (the compression runs inside it), so an identity
/// client must never get the gzip entry, and browsers' different spellings of one wish share an entry. A base policy: it
/// applies to every cached endpoint (the routes' policies, the OpenAPI document's) and turns caching on for none.
/// </summary>
public sealed class ContentCodingCachePolicy : IOutputCachePolicy
{
    public const string VaryKey = "content-coding";

    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        context.CacheVaryByRules.VaryByValues[VaryKey] = ContentCodings.Negotiate(context.HttpContext.Request.Headers.AcceptEncoding);
        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;
}
