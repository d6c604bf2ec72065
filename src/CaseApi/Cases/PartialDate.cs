using System.Globalization;

namespace CaseApi.Cases;

public enum DatePrecision { Year, Month, Day }

/// <summary>
/// An ISO date known to the year, the month or the day ("2017", "2017-06", "2017-06-22").
/// Stored as the first day of the period plus the precision, and formatted back exactly as given.
/// </summary>
public readonly record struct PartialDate(DateOnly Value, DatePrecision Precision)
{
    public static bool TryParse(string? text, out PartialDate date)
    {
        date = default;
        if (text is null) return false;
        var (format, precision) = text.Length switch
        {
            4 => ("yyyy", DatePrecision.Year),
            7 => ("yyyy-MM", DatePrecision.Month),
            10 => ("yyyy-MM-dd", DatePrecision.Day),
            _ => (null, DatePrecision.Day),
        };
        if (format is null
            || !DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            || value.Year < 1900)
        {
            return false;
        }
        date = new PartialDate(value, precision);
        return true;
    }

    /// <summary>Formats a stored (value, precision) pair back to the string the client gave; null when absent.</summary>
    public static string? Format(DateOnly? value, DatePrecision? precision) =>
        value is { } v && precision is { } p ? new PartialDate(v, p).ToString() : null;

    /// <summary>The last day the period covers: "2017" ends on 2017-12-31.</summary>
    public DateOnly Last => Precision switch
    {
        DatePrecision.Year => Value.AddYears(1).AddDays(-1),
        DatePrecision.Month => Value.AddMonths(1).AddDays(-1),
        _ => Value,
    };

    public override string ToString() => Precision switch
    {
        DatePrecision.Year => Value.ToString("yyyy", CultureInfo.InvariantCulture),
        DatePrecision.Month => Value.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        _ => Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };
}
