using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseApi.Store.Migrations
{
    /// <summary>
    /// The sponsor hierarchy stays a forest no deeper than 32 levels (Sponsor.MaxDepth), enforced by the database.
    /// A CHECK constraint cannot see other rows, so a trigger walks the new parent's ancestry; it first takes a
    /// transaction-scoped lock, so two parent changes that would only close a loop together run one after the other,
    /// and the second walk sees the first one's committed parent.
    /// </summary>
    [DbContext(typeof(CaseDbContext))]
    [Migration("20261130110000_RefuseSponsorCycles")]
    public partial class RefuseSponsorCycles : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION sponsors_parent_acyclic() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    ancestor text := NEW.parent_code;
                    depth int := 1;
                BEGIN
                    -- Under REPEATABLE READ the walk would read a snapshot from before the lock was granted.
                    IF current_setting('transaction_isolation') <> 'read committed' THEN
                        RAISE EXCEPTION 'sponsor parents change only in READ COMMITTED transactions';
                    END IF;
                    PERFORM pg_advisory_xact_lock(hashtext('sponsors.parent_code'));
                    WHILE ancestor IS NOT NULL LOOP
                        IF ancestor = NEW.code THEN
                            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'sponsors_parent_acyclic',
                                MESSAGE = format('''%s'' descends from ''%s'': a sponsor cannot be its own ancestor.', NEW.parent_code, NEW.code);
                        END IF;
                        depth := depth + 1;
                        IF depth > 32 THEN
                            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'sponsors_parent_acyclic',
                                MESSAGE = format('Under ''%s'' the sponsor hierarchy would be deeper than 32 levels.', NEW.parent_code);
                        END IF;
                        SELECT s.parent_code INTO ancestor FROM sponsors s WHERE s.code = ancestor;
                    END LOOP;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER sponsors_parent_acyclic BEFORE INSERT OR UPDATE OF parent_code ON sponsors
                    FOR EACH ROW WHEN (NEW.parent_code IS NOT NULL) EXECUTE FUNCTION sponsors_parent_acyclic();
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS sponsors_parent_acyclic ON sponsors;
                DROP FUNCTION IF EXISTS sponsors_parent_acyclic();
                """);
        }
    }
}
