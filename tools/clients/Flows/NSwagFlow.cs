using System.Text;
using CaseApi.Client.NSwag;

namespace CaseApi.ClientFlows;

/// <summary>The integrator's flows through the client NSwag generates (tools/clients/NSwag, System.Text.Json, wrapped responses).</summary>
internal static class NSwagFlow
{
    private const string ByDesign304 = "NSwag treats every status outside 2xx as an exception: a 304 arrives as ApiException(304)";

    public static async Task<FlowReport> RunAsync(Uri baseUrl, string apiKey)
    {
        var report = new FlowReport("nswag");
        using var http = Http(baseUrl, apiKey);
        var client = new CaseApiClient(http) { BaseUrl = baseUrl.ToString() };
        var created = new List<string>();

        await report.StepAsync("page the cases", () => Paging.FollowAsync(async cursor =>
        {
            var page = (await client.ListCasesAsync(limit: 2, cursor: cursor)).Result;
            return ([.. page.Items.Select(i => (Guid?)i.Id)], page.NextCursor);
        }));

        await report.StepAsync("create and patch with If-Match, recover from a 412", async () =>
        {
            var slug = Throwaway.Slug("nswag", "write");
            var body = new CaseRequest
            {
                Slug = slug, Title = Throwaway.Title, ActivityTypes = [.. Throwaway.ActivityTypes], CollectorType = Throwaway.CollectorType,
                Sectors = [.. Throwaway.Sectors], Outcome = Throwaway.Outcome, ChargedOn = Throwaway.ChargedOn,
            };
            var response = await client.CreateCaseAsync(body);
            created.Add(slug);
            var first = ETag(response);

            var patched = await client.PatchCaseAsync(slug, first, Patch("First edit."));
            FlowException.Check(patched.Result.Summary == "First edit.", "the first patch was not applied");
            try
            {
                await client.PatchCaseAsync(slug, first, Patch("Edit from a stale read."));
                throw new FlowException("a patch with a stale If-Match was applied");
            }
            catch (ApiException<Problem> conflict) when (conflict.StatusCode == 412)
            {
                // Recovery without a GET: the 412 carries the current ETag.
                var current = conflict.Headers.TryGetValue("ETag", out var values) ? values.FirstOrDefault() : null;
                FlowException.Check(current is not null, $"the 412 ({conflict.Result.Code}) carries no current ETag");
                var recovered = await client.PatchCaseAsync(slug, current!, Patch("Edit reapplied after a 412."));
                FlowException.Check(recovered.Result.Summary == "Edit reapplied after a 412.", "the recovered patch was not applied");
            }
            return $"{response.Result.Id}: 201, 200, 412 (code and current ETag), then 200 with the 412's ETag";
        });

        await report.StepAsync("poll with a 304", async () =>
        {
            var slug = created.FirstOrDefault() ?? throw new FlowException("no case was created to poll");
            var etag = ETag(await client.GetCaseAsync(slug));
            await ExpectNotModifiedAsync(() => client.GetCaseAsync(slug, if_None_Match: etag), report);

            var summary = ETag(await client.GetSummaryAsync());
            await ExpectNotModifiedAsync(() => client.GetSummaryAsync(if_None_Match: summary), report);
            return "GET /cases/{id} and GET /stats/summary answered 304";
        });

        await report.StepAsync("import a CSV file", async () =>
        {
            var slug = Throwaway.Slug("nswag", "import");
            // The file as it is: /imports/file takes a raw body, which NSwag streams with the file parameter's media type.
            using var csv = new MemoryStream(Encoding.UTF8.GetBytes(Throwaway.Csv(slug)));
            var imported = (await client.CreateImportFromFileAsync(new FileParameter(csv, "cases.csv", "text/csv"), dryRun: false,
                idempotency_Key: $"{slug}-key")).Result;
            created.Add(slug);
            FlowException.Check(imported.Created == 1, $"the import created {imported.Created} case(s), not 1");
            return $"import {imported.Id}: {imported.Created} created";
        });

        await report.StepAsync("read a 400's field errors", async () =>
        {
            try
            {
                await client.CreateCaseAsync(new CaseRequest { Title = Throwaway.Title });
                throw new FlowException("a case without a slug was created");
            }
            catch (ApiException<Problem> e) when (e.StatusCode == 400)
            {
                FlowException.Check(e.Result.Errors?.ContainsKey("slug") == true, "the problem's errors do not name 'slug'");
                return $"400 {e.Result.Code}: {string.Join("; ", e.Result.Errors!.Keys)}";
            }
        });

        await report.StepAsync("clean up", async () =>
        {
            foreach (var slug in created) await client.DeleteCaseAsync(slug, ETag(await client.GetCaseAsync(slug)));
            return $"{created.Count} case(s) deleted";
        });
        return report;
    }

    private static HttpClient Http(Uri baseUrl, string apiKey)
    {
        var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return http;
    }

    // A merge patch is an open object; the generated method takes any object and sends it as JSON.
    private static Dictionary<string, object> Patch(string summary) => new() { ["summary"] = summary };

    private static string ETag(SwaggerResponse response) =>
        response.Headers.TryGetValue("ETag", out var values) && values.FirstOrDefault() is { } tag ? tag : throw new FlowException("the response has no ETag");

    private static async Task ExpectNotModifiedAsync(Func<Task> poll, FlowReport report)
    {
        try
        {
            await poll();
            throw new FlowException("a poll with the current ETag returned a body");
        }
        catch (ApiException e) when (e.StatusCode == 304)
        {
            report.Glue(ByDesign304, byDesign: true);
        }
    }
}
