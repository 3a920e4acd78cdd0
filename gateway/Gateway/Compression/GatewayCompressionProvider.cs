using HubPlatform.Gateway.Extensions;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HubPlatform.Gateway.Compression;

/// <summary>
/// Which answers the gateway compresses, and how. ASP.NET Core's own provider decides by content type (the list in
/// <see cref="GatewayCompression"/>) and leaves alone what is already encoded or a range; on top of it:
/// <list type="bullet">
/// <item>the coding is <see cref="ContentCodings.Negotiate"/>'s, the one the output cache keys on;</item>
/// <item>a body whose length is known and under <see cref="MinimumBytes"/> is not compressed (a frame's overhead for nothing);</item>
/// <item>admin routes are not compressed (<see cref="AdminApiKey.IsAdminRoute"/>): see <see cref="ShouldCompressResponse"/>;</item>
/// <item>every compressible answer says <c>Vary: Accept-Encoding</c>, even to a client that sent no Accept-Encoding, so a
/// shared cache downstream keeps the variants apart;</item>
/// <item>a compressed answer's strong ETag is made weak: the bytes differ from the uncompressed answer's, while
/// <c>If-None-Match</c> (a weak comparison) still matches either.</item>
/// </list>
/// </summary>
public sealed class GatewayCompressionProvider : IResponseCompressionProvider
{
    /// <summary>Bodies smaller than this (when their length is known) are sent as they are.</summary>
    public const int MinimumBytes = 1024;

    private readonly ResponseCompressionProvider _byContentType;
    private readonly BrotliCompressionProvider _brotli;
    private readonly GzipCompressionProvider _gzip;

    public GatewayCompressionProvider(
        IServiceProvider services,
        IOptions<ResponseCompressionOptions> options,
        IOptions<BrotliCompressionProviderOptions> brotli,
        IOptions<GzipCompressionProviderOptions> gzip)
    {
        _byContentType = new ResponseCompressionProvider(services, options);
        _brotli = new BrotliCompressionProvider(brotli);
        _gzip = new GzipCompressionProvider(gzip);
    }

    /// <summary>Always: the middleware then adds Vary to every compressible answer, asked for compression or not.</summary>
    public bool CheckRequestAcceptsCompression(HttpContext context) => true;

    /// <summary>
    /// Admin answers are never compressed. BREACH needs a secret and attacker-chosen text in one compressed body, and a
    /// victim's browser that sends its credentials by itself. The public API has neither: its bodies are the Hub's public
    /// metadata and the gateway sets no cookies (the admin key is a header a cross-site page cannot make a browser send),
    /// so it is compressed over HTTPS too. Admin bodies (dead-lettered messages with their fault headers: exception
    /// texts, host names, next to text anyone can write on the Hub) are not meant to be public, are small, rare and never
    /// cached: compression would save nothing there worth a length side channel.
    /// </summary>
    public bool ShouldCompressResponse(HttpContext context)
    {
        if (AdminApiKey.IsAdminRoute(context.Request) || context.Response.ContentLength < MinimumBytes
            || !_byContentType.ShouldCompressResponse(context))
        {
            return false;
        }
        // Asked once, as the first byte is written, with the answer's headers in place and still open (unlike the coding,
        // which YARP's DisableBuffering asks for before it copies the service's headers).
        if (ContentCodings.Negotiate(context.Request.Headers.AcceptEncoding) != ContentCodings.Identity
            && EntityTagHeaderValue.TryParse(context.Response.Headers.ETag.ToString(), out var etag) && !etag.IsWeak)
        {
            context.Response.Headers.ETag = new EntityTagHeaderValue(etag.Tag, isWeak: true).ToString();
        }
        return true;
    }

    public ICompressionProvider? GetCompressionProvider(HttpContext context) =>
        ContentCodings.Negotiate(context.Request.Headers.AcceptEncoding) switch
        {
            ContentCodings.Brotli => _brotli,
            ContentCodings.Gzip => _gzip,
            _ => null,
        };
}
