namespace HubPlatform.Metrics.Exports;

public enum ColumnType
{
    Text,
    Integer,
    Real,
    Boolean,
    Timestamp,
}

/// <summary>A column of an export: its name in the file, its type, and the SQL that yields it.</summary>
public sealed record ExportColumn(string Name, ColumnType Type, string Sql);

/// <summary>What each export holds: one snapshot's facts joined to the repos' dimensions, one row per repo, ordered by id.</summary>
public static class ExportColumns
{
    public static readonly IReadOnlyDictionary<string, (string From, ExportColumn[] Columns)> Kinds = new Dictionary<string, (string, ExportColumn[])>
    {
        ["models"] = ("metrics.model_facts f JOIN metrics.models r ON r.id = f.model_id",
        [
            new("id", ColumnType.Text, "r.id"), new("author", ColumnType.Text, "r.author"), new("created_at", ColumnType.Timestamp, "r.created_at"),
            new("pipeline_tag", ColumnType.Text, "r.pipeline_tag"), new("library_name", ColumnType.Text, "r.library_name"),
            new("license", ColumnType.Text, "r.license"), new("parameter_count", ColumnType.Integer, "r.parameter_count"),
            new("parameter_bucket", ColumnType.Text, "r.parameter_bucket"), new("is_derivative", ColumnType.Boolean, "r.is_derivative"),
            // The Hub's base_model: the ids of the model's base models, ';'-separated like the other lists ("" when it names none).
            new("base_model", ColumnType.Text, "array_to_string(r.base_models, ';')"),
            new("gated", ColumnType.Text, "r.gated"), new("downloads", ColumnType.Integer, "f.downloads"),
            new("downloads_all_time", ColumnType.Integer, "f.downloads_all_time"), new("likes", ColumnType.Integer, "f.likes"),
            new("trending_score", ColumnType.Real, "f.trending_score"),
        ]),
        ["datasets"] = ("metrics.dataset_facts f JOIN metrics.datasets r ON r.id = f.dataset_id",
        [
            new("id", ColumnType.Text, "r.id"), new("author", ColumnType.Text, "r.author"), new("created_at", ColumnType.Timestamp, "r.created_at"),
            new("license", ColumnType.Text, "r.license"), new("task_categories", ColumnType.Text, "array_to_string(r.task_categories, ';')"),
            new("modalities", ColumnType.Text, "array_to_string(r.modalities, ';')"), new("size_category", ColumnType.Text, "r.size_category"),
            new("domains", ColumnType.Text, "array_to_string(r.domains, ';')"), new("is_benchmark", ColumnType.Boolean, "r.is_benchmark"),
            new("downloads", ColumnType.Integer, "f.downloads"), new("downloads_all_time", ColumnType.Integer, "f.downloads_all_time"),
            new("likes", ColumnType.Integer, "f.likes"), new("trending_score", ColumnType.Real, "f.trending_score"),
        ]),
        ["spaces"] = ("metrics.space_facts f JOIN metrics.spaces r ON r.id = f.space_id",
        [
            new("id", ColumnType.Text, "r.id"), new("author", ColumnType.Text, "r.author"), new("created_at", ColumnType.Timestamp, "r.created_at"),
            new("sdk", ColumnType.Text, "r.sdk"), new("license", ColumnType.Text, "r.license"), new("likes", ColumnType.Integer, "f.likes"),
            new("trending_score", ColumnType.Real, "f.trending_score"),
        ]),
    };
}
