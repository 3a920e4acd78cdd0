using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Metrics.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "metrics");

            migrationBuilder.CreateTable(
                name: "created_per_day",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    repo_type = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    author_key = table.Column<string>(type: "text", nullable: false),
                    repos = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_created_per_day", x => new { x.snapshot_id, x.author, x.day, x.repo_type });
                });

            migrationBuilder.CreateTable(
                name: "dataset_dimension_totals",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    dimension = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    key = table.Column<string>(type: "text", nullable: false),
                    datasets = table.Column<long>(type: "bigint", nullable: false),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dataset_dimension_totals", x => new { x.snapshot_id, x.dimension, x.key });
                });

            migrationBuilder.CreateTable(
                name: "dataset_facts",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    dataset_id = table.Column<string>(type: "text", nullable: false),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: true),
                    likes = table.Column<long>(type: "bigint", nullable: false),
                    trending_score = table.Column<double>(type: "double precision", nullable: true),
                    observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dataset_facts", x => new { x.snapshot_id, x.dataset_id });
                });

            migrationBuilder.CreateTable(
                name: "dataset_organization_totals",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    datasets = table.Column<long>(type: "bigint", nullable: false),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dataset_organization_totals", x => new { x.snapshot_id, x.author });
                });

            migrationBuilder.CreateTable(
                name: "datasets",
                schema: "metrics",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    license = table.Column<string>(type: "text", nullable: true),
                    task_categories = table.Column<string[]>(type: "text[]", nullable: false),
                    modalities = table.Column<string[]>(type: "text[]", nullable: false),
                    size_category = table.Column<string>(type: "text", nullable: true),
                    domains = table.Column<string[]>(type: "text[]", nullable: false),
                    is_benchmark = table.Column<bool>(type: "boolean", nullable: false),
                    languages = table.Column<string[]>(type: "text[]", nullable: false),
                    last_observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    removed_in_snapshot = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_datasets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "model_facts",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_id = table.Column<string>(type: "text", nullable: false),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: true),
                    likes = table.Column<long>(type: "bigint", nullable: false),
                    trending_score = table.Column<double>(type: "double precision", nullable: true),
                    observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_facts", x => new { x.snapshot_id, x.model_id });
                });

            migrationBuilder.CreateTable(
                name: "model_organization_totals",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    models = table.Column<long>(type: "bigint", nullable: false),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_organization_totals", x => new { x.snapshot_id, x.author });
                });

            migrationBuilder.CreateTable(
                name: "model_tag_totals",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    pipeline_tag = table.Column<string>(type: "text", nullable: false),
                    models = table.Column<long>(type: "bigint", nullable: false),
                    downloads = table.Column<long>(type: "bigint", nullable: false),
                    downloads_all_time = table.Column<long>(type: "bigint", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_tag_totals", x => new { x.snapshot_id, x.pipeline_tag, x.author });
                });

            migrationBuilder.CreateTable(
                name: "models",
                schema: "metrics",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    pipeline_tag = table.Column<string>(type: "text", nullable: true),
                    library_name = table.Column<string>(type: "text", nullable: true),
                    license = table.Column<string>(type: "text", nullable: true),
                    parameter_count = table.Column<long>(type: "bigint", nullable: true),
                    parameter_bucket = table.Column<string>(type: "text", nullable: true),
                    is_derivative = table.Column<bool>(type: "boolean", nullable: false),
                    gated = table.Column<string>(type: "text", nullable: false),
                    languages = table.Column<string[]>(type: "text[]", nullable: false),
                    last_observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    removed_in_snapshot = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_models", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "organizations",
                schema: "metrics",
                columns: table => new
                {
                    name = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "text", nullable: true),
                    fullname = table.Column<string>(type: "text", nullable: true),
                    is_verified = table.Column<bool>(type: "boolean", nullable: false),
                    is_enterprise = table.Column<bool>(type: "boolean", nullable: false),
                    num_followers = table.Column<long>(type: "bigint", nullable: true),
                    num_users = table.Column<long>(type: "bigint", nullable: true),
                    details = table.Column<string>(type: "text", nullable: true),
                    org_type = table.Column<string>(type: "text", nullable: false),
                    provider_group = table.Column<string>(type: "text", nullable: true),
                    overview_observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_organizations", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "snapshot_pages",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    page = table.Column<int>(type: "integer", nullable: false),
                    models = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_snapshot_pages", x => new { x.snapshot_id, x.page });
                });

            migrationBuilder.CreateTable(
                name: "snapshots",
                schema: "metrics",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    models = table.Column<long>(type: "bigint", nullable: false),
                    datasets = table.Column<long>(type: "bigint", nullable: false),
                    spaces = table.Column<long>(type: "bigint", nullable: false),
                    failed_pages = table.Column<int>(type: "integer", nullable: false),
                    expected_pages = table.Column<int>(type: "integer", nullable: true),
                    aggregated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_snapshots", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "space_facts",
                schema: "metrics",
                columns: table => new
                {
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: false),
                    space_id = table.Column<string>(type: "text", nullable: false),
                    likes = table.Column<long>(type: "bigint", nullable: false),
                    trending_score = table.Column<double>(type: "double precision", nullable: true),
                    observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_space_facts", x => new { x.snapshot_id, x.space_id });
                });

            migrationBuilder.CreateTable(
                name: "spaces",
                schema: "metrics",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    author = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sdk = table.Column<string>(type: "text", nullable: true),
                    license = table.Column<string>(type: "text", nullable: true),
                    last_observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    removed_in_snapshot = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_spaces", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_created_per_day_snapshot_id_author_key",
                schema: "metrics",
                table: "created_per_day",
                columns: new[] { "snapshot_id", "author_key" });

            migrationBuilder.CreateIndex(
                name: "ix_created_per_day_snapshot_id_day",
                schema: "metrics",
                table: "created_per_day",
                columns: new[] { "snapshot_id", "day" })
                .Annotation("Npgsql:IndexInclude", new[] { "author", "repo_type", "repos" });

            migrationBuilder.CreateIndex(
                name: "ix_dataset_facts_dataset_id",
                schema: "metrics",
                table: "dataset_facts",
                column: "dataset_id");

            migrationBuilder.CreateIndex(
                name: "ix_datasets_author",
                schema: "metrics",
                table: "datasets",
                column: "author");

            migrationBuilder.CreateIndex(
                name: "ix_datasets_created_at",
                schema: "metrics",
                table: "datasets",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_model_facts_model_id",
                schema: "metrics",
                table: "model_facts",
                column: "model_id");

            migrationBuilder.CreateIndex(
                name: "ix_models_author",
                schema: "metrics",
                table: "models",
                column: "author");

            migrationBuilder.CreateIndex(
                name: "ix_models_created_at",
                schema: "metrics",
                table: "models",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_organizations_org_type",
                schema: "metrics",
                table: "organizations",
                column: "org_type");

            migrationBuilder.CreateIndex(
                name: "ix_organizations_provider_group",
                schema: "metrics",
                table: "organizations",
                column: "provider_group");

            migrationBuilder.CreateIndex(
                name: "ix_space_facts_space_id",
                schema: "metrics",
                table: "space_facts",
                column: "space_id");

            migrationBuilder.CreateIndex(
                name: "ix_spaces_author",
                schema: "metrics",
                table: "spaces",
                column: "author");

            migrationBuilder.CreateIndex(
                name: "ix_spaces_created_at",
                schema: "metrics",
                table: "spaces",
                column: "created_at");

            // Hand-added (keep when regenerating): EF cannot declare partitioned tables (facts and aggregates).
            SnapshotPartitions.PartitionBySnapshot(migrationBuilder);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "created_per_day",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "dataset_dimension_totals",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "dataset_facts",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "dataset_organization_totals",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "datasets",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "model_facts",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "model_organization_totals",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "model_tag_totals",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "models",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "organizations",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "snapshot_pages",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "snapshots",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "space_facts",
                schema: "metrics");

            migrationBuilder.DropTable(
                name: "spaces",
                schema: "metrics");
        }
    }
}
