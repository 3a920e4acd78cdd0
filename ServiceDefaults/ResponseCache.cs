using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Caches serialised API answers in Redis under a per-service generation number. Invalidation
/// (a snapshot completed, a family changed) bumps the generation, so every older entry is
/// orphaned at once and expires by itself: no key scans. Redis errors are logged and the
/// answer is computed instead: the cache makes the API faster, never unavailable.
/// <para>Every answer says whether this cache gave it (<see cref="Header"/>: <c>hit</c> or <c>miss</c>). A request
/// with the admin key and <c>Cache-Control: no-cache</c> is computed afresh (and stored): the bench's cache-miss
/// load measures the computation, not this cache. Without the key the header is ignored, so no anonymous client
/// can make the service recompute an answer it holds.</para>
/// </summary>
public sealed class ResponseCache(IConnectionMultiplexer redis, string serviceName, IHttpContextAccessor http, ILogger<ResponseCache> logger)
{
    /// <summary>The response header saying whether the answer came from this cache.</summary>
    public const string Header = "X-Response-Cache";

    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(30);
    // One request reads the generation once: whatever it resolved under it (GenerationAsync) and its cached answer agree.
    private static readonly object GenerationItem = new();
    private readonly string _generationKey = $"{serviceName}:generation";

    /// <summary>
    /// The generation this request's answers are cached under (read from Redis once per request), or null when Redis does
    /// not answer. What is remembered under a generation stays true until the next invalidation.
    /// </summary>
    public async Task<long?> GenerationAsync()
    {
        var context = http.HttpContext;
        if (context?.Items.TryGetValue(GenerationItem, out var known) == true)
        {
            return (long?)known;
        }
        long? generation;
        try
        {
            generation = (long?)await redis.GetDatabase().StringGetAsync(_generationKey) ?? 0;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.AnsweredUncached(ex, _generationKey);
            generation = null;
        }
        context?.Items[GenerationItem] = generation;
        return generation;
    }

    public async Task<T> GetOrCreateAsync<T>(string key, Func<Task<T>> create, TimeSpan? lifetime = null)
    {
        var context = http.HttpContext;
        // Without a generation (Redis did not answer, already logged) the answer is computed and not stored.
        if (await GenerationAsync() is not { } generation)
        {
            Say(context, "miss");
            return await create();
        }
        var cacheKey = $"{serviceName}:{generation}:{key}";
        try
        {
            var db = redis.GetDatabase();
            var cached = context is not null && AsksFresh(context) ? RedisValue.Null : await db.StringGetAsync(cacheKey);
            if (cached.HasValue)
            {
                Say(context, "hit");
                return JsonSerializer.Deserialize<T>((string)cached!, JsonSerializerOptions.Web)!;
            }
        }
        // A Redis that stops answering times out with a TimeoutException, not a RedisException: uncached all the same.
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.AnsweredUncached(ex, key);
            Say(context, "miss");
            return await create();
        }

        Say(context, "miss");
        var value = await create();
        try
        {
            await redis.GetDatabase().StringSetAsync(cacheKey, JsonSerializer.Serialize(value, JsonSerializerOptions.Web),
                lifetime ?? DefaultLifetime);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.NotCached(ex, key);
        }
        return value;
    }

    private static bool AsksFresh(HttpContext context) =>
        context.Request.Headers.CacheControl.ToString().Contains("no-cache", StringComparison.OrdinalIgnoreCase) && AdminKey.Holds(context);

    private static void Say(HttpContext? context, string answer)
    {
        if (context is { Response.HasStarted: false })
        {
            context.Response.Headers[Header] = answer;
        }
    }

    /// <summary>Drops every cached answer of this service.</summary>
    public async Task InvalidateAllAsync()
    {
        http.HttpContext?.Items.Remove(GenerationItem);
        try
        {
            await redis.GetDatabase().StringIncrementAsync(_generationKey);
        }
        catch (RedisException ex)
        {
            logger.NotInvalidated(ex, serviceName);
        }
    }
}
