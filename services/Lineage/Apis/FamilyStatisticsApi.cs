using HubPlatform.Contracts;
using HubPlatform.Lineage.Graph;
using HubPlatform.Lineage.Infrastructure;
using HubPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HubPlatform.Lineage.Apis;

public sealed record FamilyRelations(string Id, RelationCounts Children, RelationCounts Descendants, bool Truncated);

public sealed record GrowthWeek(DateTimeOffset Week, long Created, long Cumulative);

public sealed record FamilyGrowth(string Id, IReadOnlyList<GrowthWeek> Weeks, long UnknownCreated, bool Truncated);

public sealed record DepthStatistics(long Models, int MaxDepth, double MeanDepth, IReadOnlyList<LevelCount> Levels);

public sealed record FamilyDepth(string Id, DepthStatistics Depth, bool ReachesDepthLimit, bool Truncated);

public sealed record HubDepth(Guid? SnapshotId, DateTimeOffset? SnapshotDate, DepthStatistics Depth, long InCyclesOnly);

public sealed record CycleReport(Guid? SnapshotId, IReadOnlyList<SelfReferenceEntry> SelfReferences, IReadOnlyList<string> CycleMembers);

public sealed record SelfReferenceEntry(string ModelId, string? Relation);

/// <summary>
/// Statistics of the Base Model Explorer: a family's relation mix, growth per week and depth
/// (walked live at <c>asOf</c>), and hub-wide depth and cycles (from the newest snapshot rolled
/// up by <c>asOf</c>).
/// </summary>
public static class FamilyStatisticsApi
{
    private const int MaxReported = 1000;

    public static IEndpointRouteBuilder MapFamilyStatisticsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/lineage").WithTags("Lineage");
        api.MapGet("/families/relations/{**id}", Relations).WithName("GetFamilyRelations")
            .WithSummary("A base model's relation mix: finetunes, adapters, quantizations and merges among its children and all its descendants")
            .WithDescription(AsOfParameter.Description);
        api.MapGet("/families/growth/{**id}", Growth).WithName("GetFamilyGrowth")
            .WithSummary("A base model's descendants created per week (from their createdAt), with the running total")
            .WithDescription(AsOfParameter.Description);
        api.MapGet("/families/depth/{**id}", Depth).WithName("GetFamilyDepth")
            .WithSummary("Depth of a base model's family: descendants per level (shortest distance), max and mean depth")
            .WithDescription(AsOfParameter.Description);
        api.MapGet("/stats/depth", HubDepth).WithName("GetHubDepth")
            .WithSummary("Hub-wide depth: models per level below their nearest root, max and mean depth, models only cycles reach")
            .WithDescription(AsOfParameter.Description + " (the newest snapshot rolled up by then)");
        api.MapGet("/stats/cycles", Cycles).WithName("GetLineageCycles")
            .WithSummary("Models that name themselves as base model and models caught in cycles of declared lineage")
            .WithDescription(AsOfParameter.Description + " (the newest snapshot rolled up by then)");
        return app;
    }

    private static async Task<Results<Ok<FamilyRelations>, ProblemHttpResult>> Relations(
        string id, LineageDbContext db, FamilyCounts counts, ResponseCache cache, CancellationToken ct, string? asOf = null) =>
        await ForFamily(id, asOf, db, moment => cache.GetOrCreateAsync($"relations:{moment.Key}:{id}", async () =>
        {
            var below = await counts.CountsAsync(id, moment, ct);
            return new FamilyRelations(id, RelationCounts.From(below.Children), RelationCounts.From(below.Descendants), below.Truncated);
        }), ct);

    private static async Task<Results<Ok<FamilyGrowth>, ProblemHttpResult>> Growth(
        string id, LineageDbContext db, FamilyStatistics statistics, ResponseCache cache, CancellationToken ct, string? asOf = null) =>
        await ForFamily(id, asOf, db, moment => cache.GetOrCreateAsync($"growth:{moment.Key}:{id}", async () =>
        {
            var weeks = await statistics.GrowthAsync(id, moment, ct);
            long running = 0;
            var known = weeks.Where(w => w.Week is not null)
                .Select(w => new GrowthWeek(w.Week!.Value, w.Models, running += w.Models)).ToList();
            return new FamilyGrowth(id, known, weeks.Where(w => w.Week is null).Sum(w => w.Models),
                weeks.Sum(w => w.Models) >= FamilyQueries.WalkCap);
        }), ct);

    private static async Task<Results<Ok<FamilyDepth>, ProblemHttpResult>> Depth(
        string id, LineageDbContext db, FamilyStatistics statistics, ResponseCache cache, CancellationToken ct, string? asOf = null) =>
        await ForFamily(id, asOf, db, moment => cache.GetOrCreateAsync($"depth:{moment.Key}:{id}", async () =>
        {
            var (levels, truncated) = await statistics.DepthAsync(id, moment, ct);
            var depth = Summarise(levels);
            return new FamilyDepth(id, depth, depth.MaxDepth >= FamilyQueries.MaxDepth, truncated);
        }), ct);

    private static async Task<Results<Ok<HubDepth>, ProblemHttpResult>> HubDepth(
        LineageDbContext db, FamilyStatistics statistics, ResponseCache cache, CancellationToken ct, string? asOf = null)
    {
        var (moment, problem) = await AsOfParameter.ResolveAsync(asOf, db, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(await cache.GetOrCreateAsync($"hub-depth:{moment.Key}", async () =>
        {
            var snapshot = await statistics.RolledUpSnapshotAsync(moment, ct);
            var levels = snapshot is null ? [] : await statistics.HubDepthAsync(snapshot.Id, ct);
            return new HubDepth(snapshot?.Id, snapshot?.ObservedAt, Summarise(levels.Where(l => l.Depth >= 0).ToList()),
                levels.Where(l => l.Depth == DepthLevel.InCyclesOnly).Sum(l => l.Models));
        }));
    }

    private static async Task<Results<Ok<CycleReport>, ProblemHttpResult>> Cycles(
        LineageDbContext db, FamilyStatistics statistics, ResponseCache cache, CancellationToken ct, string? asOf = null)
    {
        var (moment, problem) = await AsOfParameter.ResolveAsync(asOf, db, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(await cache.GetOrCreateAsync($"cycles:{moment.Key}", async () =>
        {
            if (await statistics.RolledUpSnapshotAsync(moment, ct) is not { } snapshot)
            {
                return new CycleReport(null, [], []);
            }
            var self = await db.SelfReferences.AsNoTracking().Where(s => s.SnapshotId == snapshot.Id).OrderBy(s => s.ModelId).Take(MaxReported)
                .Select(s => new SelfReferenceEntry(s.ModelId, s.Relation)).ToListAsync(ct);
            var cycles = await db.CycleMembers.AsNoTracking().Where(c => c.SnapshotId == snapshot.Id).OrderBy(c => c.ModelId).Take(MaxReported)
                .Select(c => c.ModelId).ToListAsync(ct);
            return new CycleReport(snapshot.Id, self, cycles);
        }));
    }

    private static async Task<Results<Ok<T>, ProblemHttpResult>> ForFamily<T>(
        string id, string? asOf, LineageDbContext db, Func<GraphAsOf, Task<T>> answer, CancellationToken ct)
    {
        if (!RepoIds.IsValid(id))
        {
            return InvalidRepoId.Problem();
        }
        var (moment, problem) = await AsOfParameter.ResolveAsync(asOf, db, ct);
        return problem is not null ? problem : TypedResults.Ok(await answer(moment));
    }

    private static DepthStatistics Summarise(List<LevelCount> levels)
    {
        var models = levels.Sum(l => l.Models);
        return new DepthStatistics(models, levels.Count == 0 ? 0 : levels.Max(l => l.Depth),
            models == 0 ? 0 : levels.Sum(l => (double)l.Depth * l.Models) / models, levels);
    }
}
