using System.ComponentModel.DataAnnotations;

namespace CaseApi.Imports;

/// <summary>Configuration section "Imports".</summary>
public sealed class ImportOptions
{
    public const string Section = "Imports";
    public const int MaxListedErrors = 1000;

    /// <summary>Largest import body; separate from (and far above) the 1 MB limit of ordinary requests.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Longest a single statement of an import (the staging COPY, the merge, the audit insert) may run.</summary>
    [Range(1, 24 * 3600)]
    public int CommandTimeoutSeconds { get; set; } = 3600;

    /// <summary>A long import logs its progress every this many records.</summary>
    [Range(1, int.MaxValue)]
    public int ProgressEvery { get; set; } = 10_000;
}
