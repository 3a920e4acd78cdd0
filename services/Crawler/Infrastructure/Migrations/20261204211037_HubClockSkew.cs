using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Crawler.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class HubClockSkew : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "hub_clock_skew_seconds",
                schema: "crawler",
                table: "crawls",
                type: "double precision",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "hub_clock_skew_seconds",
                schema: "crawler",
                table: "crawls");
        }
    }
}
