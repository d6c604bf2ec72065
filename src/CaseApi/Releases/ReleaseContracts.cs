using System.ComponentModel;
using CaseApi.Infrastructure.Paging;

namespace CaseApi.Releases;

/// <summary>A named state of the store to cite: <c>release=name</c> reads the store as it was at <c>position</c>.</summary>
/// <param name="Name">Lowercase words of letters and digits joined by '-' or '.', e.g. 2026-study or v1.2; at most 100 characters.</param>
/// <param name="Description">What the release is for, e.g. the paper or report that cites it (at most 2,000 characters).</param>
/// <param name="Position">The history position it names; the current store version when absent.</param>
public sealed record CreateReleaseRequest(string? Name, string? Description, long? Position = null);

/// <summary>A release: its name, what it is for, the history position it names and when that position committed.</summary>
/// <param name="Name">The name to cite and to pass as <c>release=</c>.</param>
/// <param name="Description">What the release is for.</param>
/// <param name="Position">The history position it names: <c>release=name</c> answers as <c>asOf=position</c> does.</param>
/// <param name="CommittedAt">When the commit at <c>position</c> was made (null for position 0, the empty store).</param>
/// <param name="CreatedAt">When the release was taken.</param>
/// <param name="CreatedBy">Who took the release, as the audit names actors: <c>{issuer}#{subject}</c> or <c>key:{id}</c>.</param>
/// <param name="CreatedByName">Their current name (a person's as the identity provider last sent it, or the key's).</param>
public sealed record ReleaseResponse(
    string Name, string Description, long Position, DateTimeOffset? CommittedAt, DateTimeOffset CreatedAt, string CreatedBy,
    string? CreatedByName);

/// <summary>Paging of GET /releases (newest first).</summary>
/// <param name="Limit">Releases per page, 1–1000 (default 50).</param>
/// <param name="Cursor">The nextCursor of the previous page.</param>
public sealed record ReleaseListQuery([property: DefaultValue(PagingRules.DefaultLimit)] int? Limit, string? Cursor)
{
    public int PageSize => Limit ?? PagingRules.DefaultLimit;
}

/// <summary>Where a page of releases ends: the last release's creation time and name.</summary>
internal sealed record ReleaseCursor(DateTimeOffset CreatedAt, string Name);
