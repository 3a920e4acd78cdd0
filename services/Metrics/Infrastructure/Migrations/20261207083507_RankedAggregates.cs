using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Metrics.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class RankedAggregates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_created_per_day_snapshot_id_day",
                schema: "metrics",
                table: "created_per_day");

            migrationBuilder.AddColumn<int>(
                name: "aggregates_version",
                schema: "metrics",
                table: "snapshots",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "activity_ranks",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    weeks = table.Column<short>(type: "smallint", nullable: false),
                    rank = table.Column<short>(type: "smallint", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    total = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_activity_ranks", x => new { x.snapshot_id, x.weeks, x.rank });
                });

            migrationBuilder.CreateTable(
                name: "model_modality_totals",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    modality = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    models = table.Column<long>(type: "bigint", nullable: false),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_modality_totals", x => new { x.snapshot_id, x.modality, x.author });
                });

            migrationBuilder.CreateTable(
                name: "model_parameter_facts",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    parameter_count = table.Column<long>(type: "bigint", nullable: false),
                    model_id = table.Column<string>(type: "text", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    pipeline_tag = table.Column<string>(type: "text", nullable: true),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_parameter_facts", x => new { x.snapshot_id, x.parameter_count, x.model_id });
                });

            migrationBuilder.CreateTable(
                name: "parameter_bucket_totals",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    bucket = table.Column<short>(type: "smallint", nullable: false),
                    models = table.Column<long>(type: "bigint", nullable: false),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_parameter_bucket_totals", x => new { x.snapshot_id, x.author, x.bucket });
                });

            migrationBuilder.CreateTable(
                name: "parameter_rankings",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    lowest = table.Column<short>(type: "smallint", nullable: false),
                    highest = table.Column<short>(type: "smallint", nullable: false),
                    metric = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    rank = table.Column<short>(type: "smallint", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<long>(type: "bigint", nullable: false),
                    models = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_parameter_rankings", x => new { x.snapshot_id, x.lowest, x.highest, x.metric, x.rank });
                });

            migrationBuilder.CreateTable(
                name: "pipeline_tag_totals",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pipeline_tag = table.Column<string>(type: "text", nullable: false),
                    models = table.Column<long>(type: "bigint", nullable: false),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pipeline_tag_totals", x => new { x.snapshot_id, x.pipeline_tag });
                });

            // The new aggregates are partitioned by snapshot like the others (before EF indexes them, so the indexes are partitioned too).
            SnapshotPartitions.Recreate(migrationBuilder, "activity_ranks", "snapshot_id, weeks, rank");
            SnapshotPartitions.Recreate(migrationBuilder, "model_modality_totals", "snapshot_id, modality, author");
            SnapshotPartitions.Recreate(migrationBuilder, "model_parameter_facts", "snapshot_id, parameter_count, model_id");
            SnapshotPartitions.Recreate(migrationBuilder, "parameter_bucket_totals", "snapshot_id, author, bucket");
            SnapshotPartitions.Recreate(migrationBuilder, "parameter_rankings", "snapshot_id, lowest, highest, metric, rank");
            SnapshotPartitions.Recreate(migrationBuilder, "pipeline_tag_totals", "snapshot_id, pipeline_tag");
            // Snapshots aggregated before this migration have version 1's aggregates; AggregateBackfill builds the rest.
            migrationBuilder.Sql("UPDATE metrics.snapshots SET aggregates_version = 1 WHERE aggregated_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_model_tag_totals_by_count",
                schema: "metrics",
                table: "model_tag_totals",
                columns: new[] { "snapshot_id", "pipeline_tag", "models", "author" },
                descending: new[] { false, false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_model_tag_totals_by_downloads",
                schema: "metrics",
                table: "model_tag_totals",
                columns: new[] { "snapshot_id", "pipeline_tag", "downloads", "author" },
                descending: new[] { false, false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_model_tag_totals_by_downloads_all_time",
                schema: "metrics",
                table: "model_tag_totals",
                columns: new[] { "snapshot_id", "pipeline_tag", "downloads_all_time", "author" },
                descending: new[] { false, false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_model_tag_totals_by_likes",
                schema: "metrics",
                table: "model_tag_totals",
                columns: new[] { "snapshot_id", "pipeline_tag", "likes", "author" },
                descending: new[] { false, false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_model_organization_totals_by_count",
                schema: "metrics",
                table: "model_organization_totals",
                columns: new[] { "snapshot_id", "models", "author" },
                descending: new[] { false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_model_organization_totals_by_downloads",
                schema: "metrics",
                table: "model_organization_totals",
                columns: new[] { "snapshot_id", "downloads", "author" },
                descending: new[] { false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_model_organization_totals_by_downloads_all_time",
                schema: "metrics",
                table: "model_organization_totals",
                columns: new[] { "snapshot_id", "downloads_all_time", "author" },
                descending: new[] { false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_model_organization_totals_by_likes",
                schema: "metrics",
                table: "model_organization_totals",
                columns: new[] { "snapshot_id", "likes", "author" },
                descending: new[] { false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_dataset_organization_totals_by_count",
                schema: "metrics",
                table: "dataset_organization_totals",
                columns: new[] { "snapshot_id", "datasets", "author" },
                descending: new[] { false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_dataset_organization_totals_by_downloads",
                schema: "metrics",
                table: "dataset_organization_totals",
                columns: new[] { "snapshot_id", "downloads", "author" },
                descending: new[] { false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_dataset_organization_totals_by_downloads_all_time",
                schema: "metrics",
                table: "dataset_organization_totals",
                columns: new[] { "snapshot_id", "downloads_all_time", "author" },
                descending: new[] { false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_dataset_organization_totals_by_likes",
                schema: "metrics",
                table: "dataset_organization_totals",
                columns: new[] { "snapshot_id", "likes", "author" },
                descending: new[] { false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_model_modality_totals_by_count",
                schema: "metrics",
                table: "model_modality_totals",
                columns: new[] { "snapshot_id", "modality", "models", "author" },
                descending: new[] { false, false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_model_modality_totals_by_downloads",
                schema: "metrics",
                table: "model_modality_totals",
                columns: new[] { "snapshot_id", "modality", "downloads", "author" },
                descending: new[] { false, false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_model_modality_totals_by_downloads_all_time",
                schema: "metrics",
                table: "model_modality_totals",
                columns: new[] { "snapshot_id", "modality", "downloads_all_time", "author" },
                descending: new[] { false, false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, null, "C" });

            migrationBuilder.CreateIndex(
                name: "ix_model_modality_totals_by_likes",
                schema: "metrics",
                table: "model_modality_totals",
                columns: new[] { "snapshot_id", "modality", "likes", "author" },
                descending: new[] { false, false, true, false })
                .Annotation("Relational:Collation", new[] { null, null, null, "C" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "activity_ranks",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "model_modality_totals",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "model_parameter_facts",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "parameter_bucket_totals",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "parameter_rankings",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "pipeline_tag_totals",
                schema: "metrics");

            migrationBuilder.DropIndex(
                name: "ix_model_tag_totals_by_count",
                schema: "metrics",
                table: "model_tag_totals");

            migrationBuilder.DropIndex(
                name: "ix_model_tag_totals_by_downloads",
                schema: "metrics",
                table: "model_tag_totals");

            migrationBuilder.DropIndex(
                name: "ix_model_tag_totals_by_downloads_all_time",
                schema: "metrics",
                table: "model_tag_totals");

            migrationBuilder.DropIndex(
                name: "ix_model_tag_totals_by_likes",
                schema: "metrics",
                table: "model_tag_totals");

            migrationBuilder.DropIndex(
                name: "ix_model_organization_totals_by_count",
                schema: "metrics",
                table: "model_organization_totals");

            migrationBuilder.DropIndex(
                name: "ix_model_organization_totals_by_downloads",
                schema: "metrics",
                table: "model_organization_totals");

            migrationBuilder.DropIndex(
                name: "ix_model_organization_totals_by_downloads_all_time",
                schema: "metrics",
                table: "model_organization_totals");

            migrationBuilder.DropIndex(
                name: "ix_model_organization_totals_by_likes",
                schema: "metrics",
                table: "model_organization_totals");

            migrationBuilder.DropIndex(
                name: "ix_dataset_organization_totals_by_count",
                schema: "metrics",
                table: "dataset_organization_totals");

            migrationBuilder.DropIndex(
                name: "ix_dataset_organization_totals_by_downloads",
                schema: "metrics",
                table: "dataset_organization_totals");

            migrationBuilder.DropIndex(
                name: "ix_dataset_organization_totals_by_downloads_all_time",
                schema: "metrics",
                table: "dataset_organization_totals");

            migrationBuilder.DropIndex(
                name: "ix_dataset_organization_totals_by_likes",
                schema: "metrics",
                table: "dataset_organization_totals");

            migrationBuilder.DropColumn(
                name: "aggregates_version",
                schema: "metrics",
                table: "snapshots");

            migrationBuilder.CreateIndex(
                name: "ix_created_per_day_snapshot_id_day",
                schema: "metrics",
                table: "created_per_day",
                columns: new[] { "snapshot_id", "day" })
                .Annotation("Npgsql:IndexInclude", new[] { "author", "repo_type", "repos" });
        }
    }
}
