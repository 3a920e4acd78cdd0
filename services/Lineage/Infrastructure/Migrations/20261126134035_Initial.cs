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

            migrationBuilder.CreateIndex(
                name: "ix_edges_base_model_id",
                schema: "lineage",
                table: "edges",
                column: "base_model_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "edges",
                schema: "lineage");

            migrationBuilder.DropTable(
                name: "models",
                schema: "lineage");
        }
    }
}
