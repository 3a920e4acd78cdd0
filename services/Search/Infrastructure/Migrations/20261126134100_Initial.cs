using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;

#nullable disable

namespace HubPlatform.Search.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "search");

            migrationBuilder.CreateTable(
                name: "documents",
                schema: "search",
                columns: table => new
                {
                    repo_type = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    id = table.Column<string>(type: "text", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    pipeline_tag = table.Column<string>(type: "text", nullable: true),
                    library_name = table.Column<string>(type: "text", nullable: true),
                    license = table.Column<string>(type: "text", nullable: true),
                    tags = table.Column<string[]>(type: "text[]", nullable: false),
                    tag_text = table.Column<string>(type: "text", nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    search_vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: false, computedColumnSql: "setweight(to_tsvector('simple'::regconfig, translate(id, '/-_.', '    ')), 'A') ||\nsetweight(to_tsvector('english'::regconfig, coalesce(pipeline_tag, '') || ' ' || coalesce(library_name, '')), 'B') ||\nsetweight(to_tsvector('english'::regconfig, tag_text), 'C') ||\nsetweight(to_tsvector('english'::regconfig, text), 'D')", stored: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_documents", x => new { x.repo_type, x.id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_documents_search_vector",
                schema: "search",
                table: "documents",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "GIN");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "documents",
                schema: "search");
        }
    }
}
