using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Unicode;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Text no parameter may carry, refused before any endpoint runs: a query-string or route value with a NUL
/// (Postgres text cannot hold one: the query failed, a 500) or whose bytes are not UTF-8 is a 400 problem
/// naming the parameter. ASP.NET Core's decoders keep an invalid escape such as <c>%FF</c> as those three
/// characters, so invalid UTF-8 shows only in the request as sent: the query string and the raw path are
/// checked before decoding, the decoded route values after (a NUL, a lone surrogate). One middleware every
/// service runs (through <see cref="Extensions.MapDefaultEndpoints"/>), not a check per endpoint: each service
/// is reachable on its own port, and a new endpoint is covered without anyone remembering. The gateway runs
/// it too, refusing such requests before they cost a service anything.
/// </summary>
public static class TextParameters
{
    public static IApplicationBuilder UseTextParameterChecks(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (FirstInvalid(context) is not { } invalid)
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Title = $"Invalid {invalid.Name}",
                    Detail = $"{invalid.Name} {invalid.Reason}.",
                    Extensions = { ["parameter"] = invalid.Name },
                },
            });
        });

    /// <summary>Why decoded text cannot be a parameter's value (a NUL, a lone surrogate), or null when it can.</summary>
    public static string? Problem(string text) =>
        text.Contains('\0') ? "contains a NUL character"
        : !IsWellFormedUtf16(text) ? "is not valid UTF-8"
        : null;

    /// <summary>Why percent-encoded text (as sent) cannot be a parameter's value, or null when it can.</summary>
    public static string? EncodedProblem(string encoded)
    {
        if (Problem(encoded) is { } problem)
        {
            return problem;
        }
        if (!encoded.Contains('%'))
        {
            return null;
        }
        var bytes = WebUtility.UrlDecodeToBytes(Encoding.UTF8.GetBytes(encoded), 0, Encoding.UTF8.GetByteCount(encoded));
        return bytes.Contains((byte)0) ? "contains a NUL character"
            : !Utf8.IsValid(bytes) ? "is not valid UTF-8"
            : null;
    }

    private static (string Name, string Reason)? FirstInvalid(HttpContext context)
    {
        foreach (var pair in (context.Request.QueryString.Value ?? "").TrimStart('?').Split('&'))
        {
            var equals = pair.IndexOf('=');
            var (name, value) = equals < 0 ? (pair, "") : (pair[..equals], pair[(equals + 1)..]);
            // A bad name is named in words: echoing it would put the same bad text in the answer.
            if (EncodedProblem(name) is { } nameProblem)
            {
                return ("query parameter name", nameProblem);
            }
            if (EncodedProblem(value) is { } problem)
            {
                return (WebUtility.UrlDecode(name), problem);
            }
        }
        var routeValues = context.Request.RouteValues.Where(v => v.Value is string).Select(v => (v.Key, Text: (string)v.Value!)).ToList();
        foreach (var (name, text) in routeValues)
        {
            if (Problem(text) is { } problem)
            {
                return (name, problem);
            }
        }
        // The path's invalid escapes stay in the route value literally: it is the one whose text, read as escapes, is not UTF-8.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (rawTarget.StartsWith('/') && EncodedProblem(rawTarget.Split('?')[0]) is { } pathProblem)
        {
            var name = routeValues.FirstOrDefault(v => EncodedProblem(v.Text) is not null).Key ?? "path";
            return (name, pathProblem);
        }
        return null;
    }

    // Surrogates come in pairs in well-formed text; a lone one has no UTF-8 encoding (Npgsql's encoder throws on it).
    private static bool IsWellFormedUtf16(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out _, out var used) != OperationStatus.Done)
            {
                return false;
            }
            text = text[used..];
        }
        return true;
    }
}
