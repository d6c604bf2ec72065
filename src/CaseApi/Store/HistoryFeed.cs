namespace CaseApi.Store;

/// <summary>How the change feed shows a captured table's changes.</summary>
public enum HistoryFeed
{
    None,
    Case,
    Record,
}
