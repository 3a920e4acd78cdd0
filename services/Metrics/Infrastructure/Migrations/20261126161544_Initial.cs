using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Metrics.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "metrics");

            migrationBuilder.CreateTable(
                name: "model_facts",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_id = table.Column<string>(type: "text", nullable: false),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: true),
                    likes = table.Column<long>(type: "bigint", nullable: false),
                    trending_score = table.Column<double>(type: "double precision", nullable: true),
                    observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_facts", x => new { x.snapshot_id, x.model_id });
                });

            migrationBuilder.CreateTable(
                name: "models",
                schema: "metrics",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    pipeline_tag = table.Column<string>(type: "text", nullable: true),
                    library_name = table.Column<string>(type: "text", nullable: true),
                    license = table.Column<string>(type: "text", nullable: true),
                    parameter_count = table.Column<long>(type: "bigint", nullable: true),
                    gated = table.Column<string>(type: "text", nullable: false),
                    languages = table.Column<string[]>(type: "text[]", nullable: false),
                    last_observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    removed_in_snapshot = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_models", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "snapshot_pages",
                schema: "metrics",
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
                schema: "metrics",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    models = table.Column<long>(type: "bigint", nullable: false),
                    failed_pages = table.Column<int>(type: "integer", nullable: false),
                    expected_pages = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_snapshots", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_model_facts_model_id",
                schema: "metrics",
                table: "model_facts",
                column: "model_id");

            migrationBuilder.CreateIndex(
                name: "ix_models_author",
                schema: "metrics",
                table: "models",
                column: "author");

            migrationBuilder.CreateIndex(
                name: "ix_models_created_at",
                schema: "metrics",
                table: "models",
                column: "created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "model_facts",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "models",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "snapshot_pages",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "snapshots",
                schema: "metrics");
        }
    }
}
