using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Metrics.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class OrgTypeTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "org_types_read_at",
                schema: "metrics",
                table: "snapshots",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "org_type_changed_at",
                schema: "metrics",
                table: "organizations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "author_org_types",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    org_type = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_author_org_types", x => new { x.snapshot_id, x.author });
                });

            migrationBuilder.CreateTable(
                name: "org_type_totals",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    key = table.Column<string>(type: "text", nullable: false),
                    org_type = table.Column<string>(type: "text", nullable: false),
                    repos = table.Column<long>(type: "bigint", nullable: false),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_org_type_totals", x => new { x.snapshot_id, x.source, x.key, x.org_type });
                });

            // Partitioned by snapshot like the other aggregates; snapshots built before get them from AggregateBackfill (version 3).
            SnapshotPartitions.Recreate(migrationBuilder, "author_org_types", "snapshot_id, author");
            SnapshotPartitions.Recreate(migrationBuilder, "org_type_totals", "snapshot_id, source, key, org_type");

            migrationBuilder.CreateIndex(
                name: "ix_organizations_org_type_changed_at",
                schema: "metrics",
                table: "organizations",
                column: "org_type_changed_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "author_org_types",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "org_type_totals",
                schema: "metrics");

            migrationBuilder.DropIndex(
                name: "ix_organizations_org_type_changed_at",
                schema: "metrics",
                table: "organizations");

            migrationBuilder.DropColumn(
                name: "org_types_read_at",
                schema: "metrics",
                table: "snapshots");

            migrationBuilder.DropColumn(
                name: "org_type_changed_at",
                schema: "metrics",
                table: "organizations");
        }
    }
}
