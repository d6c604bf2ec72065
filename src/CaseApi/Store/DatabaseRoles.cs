namespace CaseApi.Store;

/// <summary>
/// The two PostgreSQL roles of least privilege (migration LeastPrivilegeRoles): the owner holds the schema and runs
/// migrations; the service logs in as the serving role, which may read and write data but never alter the schema,
/// change or remove audit rows, or change a key other than revoking it.
/// </summary>
public static class DatabaseRoles
{
    public const string Owner = "caseapi_owner";
    public const string Service = "caseapi_service";
}
