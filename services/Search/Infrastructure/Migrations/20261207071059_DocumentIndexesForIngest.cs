using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Search.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class DocumentIndexesForIngest : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropUniqueConstraint(
                name: "ak_documents_key",
                schema: "search",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "ix_documents_vector_version",
                schema: "search",
                table: "documents");

            migrationBuilder.DropUniqueConstraint(
                name: "ak_chunks_key",
                schema: "search",
                table: "chunks");

            migrationBuilder.DropIndex(
                name: "ix_chunks_vector_version",
                schema: "search",
                table: "chunks");

            // A storage parameter changes in place: no rebuild of the full-text index.
            migrationBuilder.Sql("ALTER INDEX search.ix_documents_search_vector SET (gin_pending_list_limit = 16384)");

            migrationBuilder.CreateIndex(
                name: "ix_documents_vector_version",
                schema: "search",
                table: "documents",
                column: "vector_version",
                filter: "embedded");

            migrationBuilder.CreateIndex(
                name: "ix_chunks_vector_version",
                schema: "search",
                table: "chunks",
                column: "vector_version",
                filter: "embedded");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_documents_vector_version",
                schema: "search",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "ix_chunks_vector_version",
                schema: "search",
                table: "chunks");

            migrationBuilder.AddUniqueConstraint(
                name: "ak_documents_key",
                schema: "search",
                table: "documents",
                column: "key");

            migrationBuilder.AddUniqueConstraint(
                name: "ak_chunks_key",
                schema: "search",
                table: "chunks",
                column: "key");

            migrationBuilder.Sql("ALTER INDEX search.ix_documents_search_vector RESET (gin_pending_list_limit)");

            migrationBuilder.CreateIndex(
                name: "ix_documents_vector_version",
                schema: "search",
                table: "documents",
                column: "vector_version");

            migrationBuilder.CreateIndex(
                name: "ix_chunks_vector_version",
                schema: "search",
                table: "chunks",
                column: "vector_version");
        }
    }
}
