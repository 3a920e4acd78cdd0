using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Crawler.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class SnapshotRepoPages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "snapshot_repo_pages",
                schema: "crawler",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    page = table.Column<int>(type: "integer", nullable: false),
                    repo_type = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    repo_ids = table.Column<string[]>(type: "text[]", nullable: false),
                    authors = table.Column<string[]>(type: "text[]", nullable: false),
                    downloads = table.Column<long[]>(type: "bigint[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_snapshot_repo_pages", x => new { x.snapshot_id, x.page });
                });

            // The kept snapshots' repo lists move over (the last one is what the next crawl's removed repos are
            // computed against), a thousand repos a row, under negative page numbers no crawl's page can take.
            migrationBuilder.Sql("""
                INSERT INTO crawler.snapshot_repo_pages (snapshot_id, page, repo_type, repo_ids, authors, downloads)
                SELECT snapshot_id, -(row_number() OVER (PARTITION BY snapshot_id ORDER BY repo_type, chunk))::int, repo_type,
                       array_agg(repo_id ORDER BY repo_id), array_agg(coalesce(author, '') ORDER BY repo_id), array_agg(downloads ORDER BY repo_id)
                FROM (SELECT r.*, (row_number() OVER (PARTITION BY snapshot_id, repo_type ORDER BY repo_id) - 1) / 1000 AS chunk
                      FROM crawler.snapshot_repos r) r
                GROUP BY snapshot_id, repo_type, chunk
                """);

            migrationBuilder.DropTable(
                name: "snapshot_repos",
                schema: "crawler");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "snapshot_repos",
                schema: "crawler",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    repo_type = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    repo_id = table.Column<string>(type: "text", nullable: false),
                    author = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    sha = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_snapshot_repos", x => new { x.snapshot_id, x.repo_type, x.repo_id });
                });

            migrationBuilder.Sql("""
                INSERT INTO crawler.snapshot_repos (snapshot_id, repo_type, repo_id, author, downloads)
                SELECT p.snapshot_id, p.repo_type, r.id, nullif(r.author, ''), r.downloads
                FROM crawler.snapshot_repo_pages p, unnest(p.repo_ids, p.authors, p.downloads) AS r(id, author, downloads)
                ON CONFLICT DO NOTHING
                """);

            migrationBuilder.DropTable(
                name: "snapshot_repo_pages",
                schema: "crawler");
        }
    }
}
