namespace CaseApi.ClientFlows;

/// <summary>
/// The outcome of one client's flows: each step passes or fails, and every place where hand-written code stands in
/// for what the generated client should have done is recorded as glue, with the reason. The contract serves generated
/// clients well when the only glue left is what a generator does by design (Kiota has no typed header parameters).
/// </summary>
internal sealed class FlowReport(string client)
{
    private readonly List<(string Step, string Glue, bool ByDesign)> glue = [];
    private string step = "set-up";

    public string Client { get; } = client;

    public int Failures { get; private set; }

    /// <summary>Glue that a better contract would make unnecessary (a generator's own design does not count).</summary>
    public int ContractGlue => glue.Count(g => !g.ByDesign);

    public async Task StepAsync(string name, Func<Task<string>> run)
    {
        step = name;
        try
        {
            Console.WriteLine($"ok    {Client,-5} {name}: {await run()}");
        }
        catch (Exception e)
        {
            Failures++;
            Console.WriteLine($"FAIL  {Client,-5} {name}: {Describe(e)}");
        }
    }

    /// <summary>Records hand-written code used where the generated client falls short.</summary>
    public void Glue(string why, bool byDesign = false)
    {
        if (!glue.Contains((step, why, byDesign))) glue.Add((step, why, byDesign));
    }

    /// <summary>One line per piece of glue; run.sh counts the contract's glue as a finding, as it does warnings.</summary>
    public void PrintGlue()
    {
        foreach (var (where, why, byDesign) in glue) Console.WriteLine($"{(byDesign ? "by-design" : "glue")} {Client} {where}: {why}");
    }

    public static string Describe(Exception e)
    {
        var status = e switch
        {
            Microsoft.Kiota.Abstractions.ApiException kiota => $" (status {kiota.ResponseStatusCode})",
            Client.NSwag.ApiException nswag => $" (status {nswag.StatusCode})",
            _ => "",
        };
        var text = $"{e.GetType().Name}{status}: {e.Message}".ReplaceLineEndings(" ");
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}

/// <summary>A step's own check failed (as opposed to the client throwing).</summary>
internal sealed class FlowException(string message) : Exception(message)
{
    public static void Check(bool condition, string message)
    {
        if (!condition) throw new FlowException(message);
    }
}
