namespace CaseApi.ClientFlows;

/// <summary>The paging flow, whatever the client: follow nextCursor for up to three pages, each new and none empty.</summary>
internal static class Paging
{
    public static async Task<string> FollowAsync(Func<string?, Task<(IReadOnlyList<Guid?> Ids, string? NextCursor)>> page)
    {
        var seen = new HashSet<Guid?>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var (ids, next) = await page(cursor);
            FlowException.Check(ids.Count > 0, $"page {pages + 1} is empty");
            FlowException.Check(ids.All(seen.Add), $"page {pages + 1} repeats a case");
            cursor = next;
            pages++;
        }
        while (cursor is not null && pages < 3);
        return $"{pages} page(s), {seen.Count} distinct cases";
    }
}
