using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace HubPlatform.Gateway.Compression;

/// <summary>
/// The one content coding the gateway answers a request with, from its Accept-Encoding: Brotli, gzip or none. Both the
/// compression (<see cref="GatewayCompressionProvider"/>) and the output cache's key (<see cref="ContentCodingCachePolicy"/>)
/// ask this, so a cached entry is always stored under the coding its body has, and browsers' different spellings of the
/// same wish ("gzip, deflate, br", "br, gzip", "gzip, deflate, br, zstd") share one entry.
/// </summary>
public static class ContentCodings
{
    public const string Brotli = "br";
    public const string Gzip = "gzip";
    public const string Identity = "identity";

    /// <summary>
    /// RFC 9110 §12.5.3: the coding of highest quality; q=0 refuses one; <c>*</c> stands for every coding not named;
    /// <c>x-gzip</c> is gzip. Brotli wins a tie with gzip (smaller), a compression wins a tie with identity, and identity
    /// wins only when the client rates it higher. Codings the gateway does not make (deflate, zstd) are passed over;
    /// a missing, empty or unreadable header, or one that refuses everything, is answered uncompressed.
    /// </summary>
    public static string Negotiate(StringValues acceptEncoding)
    {
        // Invalid elements (a quality outside 0..1, stray separators) are skipped by the parser, not fatal.
        if (StringValues.IsNullOrEmpty(acceptEncoding) || !StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var codings))
        {
            return Identity;
        }
        const double NotNamed = -1;
        double brotli = NotNamed, gzip = NotNamed, identity = NotNamed, any = NotNamed;
        foreach (var coding in codings)
        {
            var quality = coding.Quality ?? 1;
            var name = coding.Value;
            if (name.Equals(Brotli, StringComparison.OrdinalIgnoreCase))
            {
                brotli = Math.Max(brotli, quality);
            }
            else if (name.Equals(Gzip, StringComparison.OrdinalIgnoreCase) || name.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = Math.Max(gzip, quality);
            }
            else if (name.Equals(Identity, StringComparison.OrdinalIgnoreCase))
            {
                identity = Math.Max(identity, quality);
            }
            else if (name.Equals("*", StringComparison.Ordinal))
            {
                any = Math.Max(any, quality);
            }
        }
        brotli = brotli == NotNamed ? any : brotli;
        gzip = gzip == NotNamed ? any : gzip;
        identity = identity == NotNamed ? any : identity;
        var (best, bestQuality) = brotli >= gzip ? (Brotli, brotli) : (Gzip, gzip);
        return bestQuality > 0 && bestQuality >= identity ? best : Identity;
    }
}
