using HubPlatform.Gateway.Compression;
using Microsoft.Extensions.Primitives;

namespace HubPlatform.Tests.Gateway.Unit;

/// <summary>The one coding an Accept-Encoding header gets: what the gateway compresses with and what its cache keys on.</summary>
public sealed class ContentCodingsTests
{
    [Theory]
    // Browsers' spellings of "Brotli, else gzip": one answer, one cache entry.
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("gzip, deflate, br, zstd", "br")]
    [InlineData("br, gzip", "br")]
    [InlineData("BR", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("x-gzip", "gzip")]
    [InlineData("gzip, deflate", "gzip")]
    // Qualities: the highest wins, q=0 refuses, Brotli wins a tie with gzip.
    [InlineData("br;q=0.5, gzip", "gzip")]
    [InlineData("gzip;q=0.8, br;q=0.8", "br")]
    [InlineData("br;q=0, gzip;q=0.1", "gzip")]
    [InlineData("br;q=0, gzip;q=0", "identity")]
    [InlineData("gzip;q=0.5", "gzip")]
    // Identity wins only when rated higher than every compression.
    [InlineData("identity", "identity")]
    [InlineData("identity, gzip;q=0.5", "identity")]
    [InlineData("identity;q=0.5, gzip", "gzip")]
    [InlineData("identity;q=0, gzip;q=0.1", "gzip")]
    // "*" stands for the codings not named.
    [InlineData("*", "br")]
    [InlineData("*;q=0.5, gzip", "gzip")]
    [InlineData("*;q=0", "identity")]
    [InlineData("br;q=0, *", "gzip")]
    // Codings the gateway does not make, and hostile or empty headers: uncompressed.
    [InlineData("deflate", "identity")]
    [InlineData("zstd, compress", "identity")]
    [InlineData("", "identity")]
    [InlineData(",,,", "identity")]
    [InlineData("%%%;;;===", "identity")]
    [InlineData("br;q=2", "identity")]
    [InlineData("br;q=abc, gzip", "gzip")]
    [InlineData("gzip;q=0.5;q=1", "identity")]
    public void An_Accept_Encoding_header_gets_one_coding(string header, string expected) =>
        Assert.Equal(expected, ContentCodings.Negotiate(header));

    [Fact]
    public void No_header_is_identity_and_repeated_headers_are_read_together()
    {
        Assert.Equal(ContentCodings.Identity, ContentCodings.Negotiate(StringValues.Empty));
        Assert.Equal(ContentCodings.Brotli, ContentCodings.Negotiate(new StringValues(["gzip", "br"])));
        Assert.Equal(ContentCodings.Gzip, ContentCodings.Negotiate(new StringValues(["br;q=0", "gzip"])));
    }

    [Fact]
    public void Thousands_of_unknown_codings_do_not_hide_the_one_the_gateway_makes()
    {
        var header = string.Join(", ", Enumerable.Range(0, 4000).Select(i => $"c{i};q=0.{i % 10}")) + ", gzip;q=0.01";
        Assert.Equal(ContentCodings.Gzip, ContentCodings.Negotiate(header));
    }
}
