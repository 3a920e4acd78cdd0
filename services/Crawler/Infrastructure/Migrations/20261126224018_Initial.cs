using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace HubPlatform.Crawler.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "crawler");

            migrationBuilder.CreateTable(
                name: "crawls",
                schema: "crawler",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    hub_endpoint = table.Column<string>(type: "text", nullable: false),
                    phase = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    next_url = table.Column<string>(type: "text", nullable: true),
                    cursor = table.Column<string>(type: "text", nullable: true),
                    modified_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    pages = table.Column<int>(type: "integer", nullable: false),
                    model_pages = table.Column<int>(type: "integer", nullable: false),
                    dataset_pages = table.Column<int>(type: "integer", nullable: false),
                    space_pages = table.Column<int>(type: "integer", nullable: false),
                    organization_pages = table.Column<int>(type: "integer", nullable: false),
                    card_pages = table.Column<int>(type: "integer", nullable: false),
                    models = table.Column<long>(type: "bigint", nullable: false),
                    datasets = table.Column<long>(type: "bigint", nullable: false),
                    spaces = table.Column<long>(type: "bigint", nullable: false),
                    organizations = table.Column<long>(type: "bigint", nullable: false),
                    cards = table.Column<long>(type: "bigint", nullable: false),
                    expected_repos = table.Column<long>(type: "bigint", nullable: true),
                    failed_pages = table.Column<int>(type: "integer", nullable: false),
                    rate_limit_wait_seconds = table.Column<double>(type: "double precision", nullable: false),
                    last_error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_crawls", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "failed_pages",
                schema: "crawler",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    crawl_id = table.Column<Guid>(type: "uuid", nullable: false),
                    url = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    failed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_failed_pages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outbox",
                schema: "crawler",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_type = table.Column<string>(type: "text", nullable: false),
                    payload = table.Column<byte[]>(type: "bytea", nullable: false)
                        .Annotation("Npgsql:Compression:", "lz4"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "snapshot_repos",
                schema: "crawler",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    repo_type = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    repo_id = table.Column<string>(type: "text", nullable: false),
                    author = table.Column<string>(type: "text", nullable: true),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sha = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_snapshot_repos", x => new { x.snapshot_id, x.repo_type, x.repo_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_crawls_status_requested_at",
                schema: "crawler",
                table: "crawls",
                columns: new[] { "status", "requested_at" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_unsent",
                schema: "crawler",
                table: "outbox",
                column: "id",
                filter: "sent_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "crawls",
                schema: "crawler");

            migrationBuilder.DropTable(
                name: "failed_pages",
                schema: "crawler");

            migrationBuilder.DropTable(
                name: "outbox",
                schema: "crawler");

            migrationBuilder.DropTable(
                name: "snapshot_repos",
                schema: "crawler");
        }
    }
}
