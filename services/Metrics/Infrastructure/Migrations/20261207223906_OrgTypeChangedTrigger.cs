using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HubPlatform.Metrics.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class OrgTypeChangedTrigger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Whoever changes an author's org type (an overview page, an older replica, a hand-written UPDATE) stamps it, after
            // taking the lock a snapshot's build reads the types under alone (OrgTypeTotals): the stamp is then later than any
            // read that did not see the change. A new row keeps no stamp: no snapshot built before it counts its author.
            migrationBuilder.Sql($$"""
                CREATE FUNCTION metrics.stamp_org_type_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    IF NEW.org_type IS DISTINCT FROM OLD.org_type THEN
                        PERFORM pg_advisory_xact_lock_shared({{HubPlatform.Metrics.Infrastructure.OrgTypeTotals.LockKey}});
                        NEW.org_type_changed_at := clock_timestamp();
                    END IF;
                    RETURN NEW;
                END
                $fn$;
                CREATE TRIGGER org_type_changed BEFORE UPDATE OF org_type ON metrics.organizations
                    FOR EACH ROW EXECUTE FUNCTION metrics.stamp_org_type_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER org_type_changed ON metrics.organizations;
                DROP FUNCTION metrics.stamp_org_type_change();
                """);
        }
    }
}
