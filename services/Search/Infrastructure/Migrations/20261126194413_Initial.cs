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

            migrationBuilder.CreateSequence(
                name: "vector_keys",
                schema: "search");

            migrationBuilder.CreateSequence(
                name: "vector_versions",
                schema: "search");

            migrationBuilder.CreateTable(
                name: "cards",
                schema: "search",
                columns: table => new
                {
                    repo_type = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    id = table.Column<string>(type: "text", nullable: false),
                    sha = table.Column<string>(type: "text", nullable: true),
                    fetched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    text = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cards", x => new { x.repo_type, x.id });
                });

            migrationBuilder.CreateTable(
                name: "chunks",
                schema: "search",
                columns: table => new
                {
                    repo_type = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    id = table.Column<string>(type: "text", nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    key = table.Column<long>(type: "bigint", nullable: false, defaultValueSql: "nextval('search.vector_keys')"),
                    text = table.Column<string>(type: "text", nullable: false),
                    text_hash = table.Column<string>(type: "text", nullable: false),
                    vector_version = table.Column<long>(type: "bigint", nullable: false),
                    embedded = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chunks", x => new { x.repo_type, x.id, x.ordinal });
                    table.UniqueConstraint("ak_chunks_key", x => x.key);
                });

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
                    card_text = table.Column<string>(type: "text", nullable: false),
                    card_fetched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    parameters = table.Column<long>(type: "bigint", nullable: true),
                    last_observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    search_vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: false, computedColumnSql: "setweight(to_tsvector('simple'::regconfig, translate(id, '/-_.', '    ')), 'A') ||\nsetweight(to_tsvector('english'::regconfig, coalesce(pipeline_tag, '') || ' ' || coalesce(library_name, '')), 'B') ||\nsetweight(to_tsvector('english'::regconfig, tag_text), 'C') ||\nsetweight(to_tsvector('english'::regconfig, text || ' ' || card_text), 'D')", stored: true),
                    key = table.Column<long>(type: "bigint", nullable: false, defaultValueSql: "nextval('search.vector_keys')"),
                    embedding_text = table.Column<string>(type: "text", nullable: false),
                    text_hash = table.Column<string>(type: "text", nullable: false),
                    vector_version = table.Column<long>(type: "bigint", nullable: false),
                    trending_score = table.Column<double>(type: "double precision", nullable: true),
                    embedded = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_documents", x => new { x.repo_type, x.id });
                    table.UniqueConstraint("ak_documents_key", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "embeddings",
                schema: "search",
                columns: table => new
                {
                    text_hash = table.Column<string>(type: "text", nullable: false),
                    vector = table.Column<float[]>(type: "real[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    key = table.Column<long>(type: "bigint", nullable: false, defaultValueSql: "nextval('search.vector_keys')")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_embeddings", x => x.text_hash);
                    table.UniqueConstraint("ak_embeddings_key", x => x.key);
                });

            migrationBuilder.CreateIndex(
                name: "ix_chunks_text_hash",
                schema: "search",
                table: "chunks",
                column: "text_hash");

            migrationBuilder.CreateIndex(
                name: "ix_chunks_vector_version",
                schema: "search",
                table: "chunks",
                column: "vector_version");

            migrationBuilder.CreateIndex(
                name: "ix_chunks_waiting",
                schema: "search",
                table: "chunks",
                column: "key",
                filter: "NOT embedded");

            migrationBuilder.CreateIndex(
                name: "ix_documents_repo_type_author",
                schema: "search",
                table: "documents",
                columns: new[] { "repo_type", "author" });

            migrationBuilder.CreateIndex(
                name: "ix_documents_repo_type_pipeline_tag",
                schema: "search",
                table: "documents",
                columns: new[] { "repo_type", "pipeline_tag" });

            migrationBuilder.CreateIndex(
                name: "ix_documents_search_vector",
                schema: "search",
                table: "documents",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "GIN");

            migrationBuilder.CreateIndex(
                name: "ix_documents_text_hash",
                schema: "search",
                table: "documents",
                column: "text_hash");

            migrationBuilder.CreateIndex(
                name: "ix_documents_vector_version",
                schema: "search",
                table: "documents",
                column: "vector_version");

            migrationBuilder.CreateIndex(
                name: "ix_documents_waiting",
                schema: "search",
                table: "documents",
                column: "key",
                filter: "NOT embedded");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cards",
                schema: "search");

            migrationBuilder.DropTable(
                name: "chunks",
                schema: "search");

            migrationBuilder.DropTable(
                name: "documents",
                schema: "search");

            migrationBuilder.DropTable(
                name: "embeddings",
                schema: "search");

            migrationBuilder.DropSequence(
                name: "vector_keys",
                schema: "search");

            migrationBuilder.DropSequence(
                name: "vector_versions",
                schema: "search");
        }
    }
}
