using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Metrics.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ModelAuthorFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "model_author_facts",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    model_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    pipeline_tag = table.Column<string>(type: "text", nullable: true),
                    parameter_count = table.Column<long>(type: "bigint", nullable: true),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_author_facts", x => new { x.snapshot_id, x.author, x.model_id });
                });

            // Partitioned by snapshot like the other aggregates (before EF indexes it, so the indexes are partitioned too); snapshots
            // built before get it from AggregateBackfill (version 3).
            SnapshotPartitions.Recreate(migrationBuilder, "model_author_facts", "snapshot_id, author, model_id");

            migrationBuilder.CreateIndex(
                name: "ix_model_author_facts_by_downloads",
                schema: "metrics",
                table: "model_author_facts",
                columns: new[] { "snapshot_id", "author", "downloads", "model_id" },
                descending: new[] { false, false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_model_author_facts_by_downloads_all_time",
                schema: "metrics",
                table: "model_author_facts",
                columns: new[] { "snapshot_id", "author", "downloads_all_time", "model_id" },
                descending: new[] { false, false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_model_author_facts_by_likes",
                schema: "metrics",
                table: "model_author_facts",
                columns: new[] { "snapshot_id", "author", "likes", "model_id" },
                descending: new[] { false, false, true, false });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "model_author_facts",
                schema: "metrics");
        }
    }
}
