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
                name: "edges",
                schema: "lineage",
                columns: table => new
                {
                    model_id = table.Column<string>(type: "text", nullable: false),
                    base_model_id = table.Column<string>(type: "text", nullable: false),
                    relation = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    stated = table.Column<bool>(type: "boolean", nullable: false),
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_edges", x => new { x.model_id, x.base_model_id });
                });

            migrationBuilder.CreateTable(
                name: "family_sizes",
                schema: "lineage",
                columns: table => new
                {
                    base_model_id = table.Column<string>(type: "text", nullable: false),
                    descendants = table.Column<long>(type: "bigint", nullable: false),
                    descendant_downloads = table.Column<long>(type: "bigint", nullable: false),
                    finetunes = table.Column<long>(type: "bigint", nullable: false),
                    adapters = table.Column<long>(type: "bigint", nullable: false),
                    quantizations = table.Column<long>(type: "bigint", nullable: false),
                    merges = table.Column<long>(type: "bigint", nullable: false),
                    computed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_family_sizes", x => x.base_model_id);
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
                    last_observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_models", x => x.id);
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
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expected_pages = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_snapshots", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_edges_base_model_id",
                schema: "lineage",
                table: "edges",
                column: "base_model_id");

            migrationBuilder.CreateIndex(
                name: "ix_family_sizes_descendant_downloads",
                schema: "lineage",
                table: "family_sizes",
                column: "descendant_downloads");

            migrationBuilder.CreateIndex(
                name: "ix_family_sizes_descendants",
                schema: "lineage",
                table: "family_sizes",
                column: "descendants");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
                name: "snapshot_pages",
                schema: "lineage");

            migrationBuilder.DropTable(
                name: "snapshots",
                schema: "lineage");
        }
    }
}
