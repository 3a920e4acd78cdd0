using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Crawler.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class OutboxFailures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_unsent",
                schema: "crawler",
                table: "outbox");

            migrationBuilder.AddColumn<int>(
                name: "attempts",
                schema: "crawler",
                table: "outbox",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "failed_at",
                schema: "crawler",
                table: "outbox",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_error",
                schema: "crawler",
                table: "outbox",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_failed",
                schema: "crawler",
                table: "outbox",
                column: "failed_at",
                filter: "failed_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_pending",
                schema: "crawler",
                table: "outbox",
                column: "id",
                filter: "sent_at IS NULL AND failed_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_failed",
                schema: "crawler",
                table: "outbox");

            migrationBuilder.DropIndex(
                name: "ix_outbox_pending",
                schema: "crawler",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "attempts",
                schema: "crawler",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "failed_at",
                schema: "crawler",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "last_error",
                schema: "crawler",
                table: "outbox");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_unsent",
                schema: "crawler",
                table: "outbox",
                column: "id",
                filter: "sent_at IS NULL");
        }
    }
}
