using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Metrics.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ModelBaseModels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string[]>(
                name: "base_models",
                schema: "metrics",
                table: "models",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "base_models",
                schema: "metrics",
                table: "models");
        }
    }
}
