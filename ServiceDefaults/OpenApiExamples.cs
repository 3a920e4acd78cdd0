using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Gives every parameter of the public API an example (and a description where the endpoint has none),
/// named in the Hub's words and taken from repos in the real sample that `./hub up` replays, so the API
/// reference's "try it" answers with real data. One catalog for all services because the same parameter
/// means the same thing everywhere (a model id, an organization, a snapshot).
/// </summary>
public static class OpenApiExamples
{
    private static readonly Dictionary<string, (JsonNode? Example, string Description)> Catalog = new(StringComparer.OrdinalIgnoreCase)
    {
        ["id"] = ("microsoft/phi-2", "A repo id as on the Hub: owner/name."),
        ["name"] = ("microsoft", "An organization or user name as on the Hub."),
        ["author"] = ("microsoft", "Only repos of this organization or user."),
        ["q"] = ("small model that writes python code", "What you need, in your own words (required: a missing one is a 400 problem)."),
        ["k"] = (10, "How many results."),
        ["metric"] = ("downloads", "downloads (last 30 days), downloadsAllTime, likes or count."),
        ["repoType"] = ("model", "model, dataset or space (where the endpoint serves more than models)."),
        ["orgType"] = ("company", "company, university, research-institute, non-profit, individual or community."),
        ["modality"] = ("natural-language-processing",
            "A group of the Hub's tasks: multimodal, computer-vision, natural-language-processing, audio, tabular, reinforcement-learning, other."),
        ["pipelineTag"] = ("text-generation", "A task of the Hub's taxonomy (pipeline_tag)."),
        ["library"] = ("transformers", "The library_name on the Hub."),
        ["license"] = ("mit", "A license id as on the Hub."),
        ["taskCategory"] = ("text-generation", "A dataset task category (task_categories)."),
        ["domain"] = ("code", "A dataset domain: finance, healthcare, robotics, science, code, legal, ..."),
        ["by"] = ("taskCategory", "What to break down by: taskCategory, domain, orgType or license."),
        ["sort"] = ("downloads", "Order of the results."),
        ["mode"] = ("hybrid", "hybrid (semantic and keyword, fused), semantic or keyword."),
        ["relation"] = ("finetune", "finetune, adapter, quantized or merge."),
        ["depth"] = (2, "How many levels below the model."),
        ["offset"] = (0, "How many results to skip (paging)."),
        ["limit"] = (50, "Page size."),
        ["maxNodes"] = (200, "Cap on the nodes returned; the answer says when it was truncated."),
        ["weeks"] = (52, "How many weeks back from the snapshot."),
        ["minParameters"] = (1_000_000_000L, "Smallest parameter count (safetensors total)."),
        ["maxParameters"] = (10_000_000_000L, "Largest parameter count (safetensors total)."),
        ["minDownloads"] = (1000, "Only repos with at least these downloads (last 30 days)."),
        ["minLikes"] = (10, "Only repos with at least these likes."),
        ["createdFrom"] = ("2024-01-01", "Only repos created on or after this date."),
        ["createdTo"] = ("2025-12-31", "Only repos created on or before this date."),
        ["createdAfter"] = ("2024-01-01", "Only repos created after this date."),
        ["asOf"] = (null, "A date (2025-06-30) or snapshot id: answer as the platform saw it then; default: now."),
        ["search"] = ("micro", "Part of the organization's name."),
        ["datasetsPerOrganization"] = (5, "How many datasets each organization shows in the treemap."),
        ["kind"] = ("Full", "Full (the weekly snapshots) or Incremental (the hourly crawls of what changed)."),
        ["benchmark"] = (true, "Only evaluation benchmarks (true) or only other datasets (false)."),
        ["cohort"] = ("quarter", "How models are grouped by release date: quarter or month."),
        ["modelsPerOrganization"] = (5, "How many models each organization shows in the treemap."),
        ["snapshotId"] = ("latest", "A snapshot id from GET /api/v1/snapshots (or \"latest\" where accepted)."),
        ["snapshot"] = (null, "A snapshot id from GET /api/v1/snapshots; default: the latest full snapshot."),
        ["file"] = ("models.parquet", "models, datasets or spaces, as .parquet or .csv."),
        ["queue"] = ("metrics-models-observed_error", "A RabbitMQ error queue (its name ends in _error)."),
    };

    /// <summary>Names the catalog describes, for the tests that check every public parameter has one.</summary>
    public static IReadOnlyCollection<string> Names => Catalog.Keys;

    public static OpenApiOptions AddParameterExamples(this OpenApiOptions options) =>
        options.AddOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                if (parameter.Name is { } name && Catalog.TryGetValue(name, out var entry))
                {
                    // The handler's own default is an example that surely fits this endpoint (by=taskCategory in
                    // DataVerse, by=descendants in lineage); a route typed {snapshotId:guid} takes no "latest".
                    if (parameter.Schema?.Format != "uuid")
                    {
                        parameter.Example ??= parameter.Schema?.Default?.DeepClone() ?? entry.Example?.DeepClone();
                    }
                    // Nullable in the handler so that a missing one gets a problem that says so, yet required.
                    parameter.Required |= name == "q";
                    parameter.Description ??= entry.Description;
                }
            }
            return Task.CompletedTask;
        });
}
