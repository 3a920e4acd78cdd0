using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Crawler.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class CardBacklog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence<int>(
                name: "card_pages",
                schema: "crawler");

            migrationBuilder.CreateTable(
                name: "cards",
                schema: "crawler",
                columns: table => new
                {
                    repo_type = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    repo_id = table.Column<string>(type: "text", nullable: false),
                    sha = table.Column<string>(type: "text", nullable: true),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    fetched_sha = table.Column<string>(type: "text", nullable: true),
                    fetched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    has_readme = table.Column<bool>(type: "boolean", nullable: true),
                    failures = table.Column<int>(type: "integer", nullable: false),
                    retry_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cards", x => new { x.repo_type, x.repo_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_cards_due_downloads",
                schema: "crawler",
                table: "cards",
                column: "downloads",
                descending: new bool[0],
                filter: "fetched_at IS NULL OR fetched_sha IS DISTINCT FROM sha");

            migrationBuilder.CreateIndex(
                name: "ix_cards_due_newest",
                schema: "crawler",
                table: "cards",
                column: "created_at",
                descending: new bool[0],
                filter: "fetched_at IS NULL OR fetched_sha IS DISTINCT FROM sha");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cards",
                schema: "crawler");

            migrationBuilder.DropSequence(
                name: "card_pages",
                schema: "crawler");
        }
    }
}
