using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Lineage.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "lineage");

            migrationBuilder.CreateTable(
                name: "cycle_members",
                schema: "lineage",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_id = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cycle_members", x => new { x.snapshot_id, x.model_id });
                });

            migrationBuilder.CreateTable(
                name: "depth_levels",
                schema: "lineage",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    depth = table.Column<int>(type: "integer", nullable: false),
                    models = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_depth_levels", x => new { x.snapshot_id, x.depth });
                });

            migrationBuilder.CreateTable(
                name: "edges",
                schema: "lineage",
                columns: table => new
                {
                    model_id = table.Column<string>(type: "text", nullable: false),
                    base_model_id = table.Column<string>(type: "text", nullable: false),
                    valid_from_snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    relation = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    stated = table.Column<bool>(type: "boolean", nullable: false),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    valid_to_snapshot_id = table.Column<Guid>(type: "uuid", nullable: true),
                    valid_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_edges", x => new { x.model_id, x.base_model_id, x.valid_from_snapshot_id });
                });

            migrationBuilder.CreateTable(
                name: "family_sizes",
                schema: "lineage",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    base_model_id = table.Column<string>(type: "text", nullable: false),
                    descendants = table.Column<long>(type: "bigint", nullable: false),
                    descendant_downloads = table.Column<long>(type: "bigint", nullable: false),
                    finetunes = table.Column<long>(type: "bigint", nullable: false),
                    adapters = table.Column<long>(type: "bigint", nullable: false),
                    quantizations = table.Column<long>(type: "bigint", nullable: false),
                    merges = table.Column<long>(type: "bigint", nullable: false),
                    child_finetunes = table.Column<long>(type: "bigint", nullable: false),
                    child_adapters = table.Column<long>(type: "bigint", nullable: false),
                    child_quantizations = table.Column<long>(type: "bigint", nullable: false),
                    child_merges = table.Column<long>(type: "bigint", nullable: false),
                    computed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_family_sizes", x => new { x.snapshot_id, x.base_model_id });
                });

            migrationBuilder.CreateTable(
                name: "models",
                schema: "lineage",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    resolved = table.Column<bool>(type: "boolean", nullable: false),
                    author = table.Column<string>(type: "text", nullable: true),
                    pipeline_tag = table.Column<string>(type: "text", nullable: true),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    first_observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    removed_snapshot_id = table.Column<Guid>(type: "uuid", nullable: true),
                    removed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_models", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "self_references",
                schema: "lineage",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_id = table.Column<string>(type: "text", nullable: false),
                    relation = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_self_references", x => new { x.snapshot_id, x.model_id });
                });

            migrationBuilder.CreateTable(
                name: "snapshot_pages",
                schema: "lineage",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    page = table.Column<int>(type: "integer", nullable: false),
                    models = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_snapshot_pages", x => new { x.snapshot_id, x.page });
                });

            migrationBuilder.CreateTable(
                name: "snapshots",
                schema: "lineage",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expected_pages = table.Column<int>(type: "integer", nullable: true),
                    rolled_up_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    family_sizes_pruned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_snapshots", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_edges_history_base",
                schema: "lineage",
                table: "edges",
                columns: new[] { "base_model_id", "valid_from" });

            migrationBuilder.CreateIndex(
                name: "ix_edges_open_base",
                schema: "lineage",
                table: "edges",
                column: "base_model_id",
                filter: "valid_to IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_edges_open_model",
                schema: "lineage",
                table: "edges",
                columns: new[] { "model_id", "base_model_id" },
                unique: true,
                filter: "valid_to IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_family_sizes_snapshot_id_descendant_downloads",
                schema: "lineage",
                table: "family_sizes",
                columns: new[] { "snapshot_id", "descendant_downloads" });

            migrationBuilder.CreateIndex(
                name: "ix_family_sizes_snapshot_id_descendants",
                schema: "lineage",
                table: "family_sizes",
                columns: new[] { "snapshot_id", "descendants" });

            migrationBuilder.CreateIndex(
                name: "ix_snapshots_observed_at",
                schema: "lineage",
                table: "snapshots",
                column: "observed_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cycle_members",
                schema: "lineage");

            migrationBuilder.DropTable(
                name: "depth_levels",
                schema: "lineage");

            migrationBuilder.DropTable(
                name: "edges",
                schema: "lineage");

            migrationBuilder.DropTable(
                name: "family_sizes",
                schema: "lineage");

            migrationBuilder.DropTable(
                name: "models",
                schema: "lineage");

            migrationBuilder.DropTable(
                name: "self_references",
                schema: "lineage");

            migrationBuilder.DropTable(
                name: "snapshot_pages",
                schema: "lineage");

            migrationBuilder.DropTable(
                name: "snapshots",
                schema: "lineage");
        }
    }
}
