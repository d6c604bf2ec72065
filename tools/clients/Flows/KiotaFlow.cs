using System.Text;
using CaseApi.Client.Kiota;
using CaseApi.Client.Kiota.Api.V1.Cases.Item;
using CaseApi.Client.Kiota.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace CaseApi.ClientFlows;

/// <summary>The integrator's flows through the client Kiota generates (tools/clients/Kiota).</summary>
internal static class KiotaFlow
{
    private const string ByDesignHeaders = "Kiota generates no header parameters: If-Match, If-None-Match and Idempotency-Key are raw headers";
    private const string ByDesignResponseHeaders = "Kiota returns only the body: the ETag is read with a HeadersInspectionHandlerOption";

    public static async Task<FlowReport> RunAsync(Uri baseUrl, string apiKey)
    {
        var report = new FlowReport("kiota");
        // Kiota's ApiKeyAuthenticationProvider refuses http:// URLs; CI serves on loopback http, so the key is a default header.
        report.Glue("Kiota's API-key provider accepts only https: over http the key is a default header", byDesign: true);
        using var http = KiotaClientFactory.Create();
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        using var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = baseUrl.ToString().TrimEnd('/'),
        };
        var client = new CaseApiClient(adapter);
        var cases = client.Api.V1.Cases;
        var created = new List<string>();

        await report.StepAsync("page the cases", () => Paging.FollowAsync(async cursor =>
        {
            var page = await cases.GetAsync(c => { c.QueryParameters.Limit = 2; c.QueryParameters.Cursor = cursor; });
            return ([.. page?.Items?.Select(i => i.Id) ?? []], page?.NextCursor);
        }));

        await report.StepAsync("create and patch with If-Match, recover from a 412", async () =>
        {
            var slug = Throwaway.Slug("kiota", "write");
            var headers = Inspect();
            var body = new CaseRequest
            {
                Slug = slug, Title = Throwaway.Title, ActivityTypes = [.. Throwaway.ActivityTypes], CollectorType = Throwaway.CollectorType,
                Sectors = [.. Throwaway.Sectors], Outcome = Throwaway.Outcome, ChargedOn = Throwaway.ChargedOn,
            };
            var response = await cases.PostAsync(body, c => c.Options.Add(headers));
            created.Add(slug);
            report.Glue(ByDesignResponseHeaders, byDesign: true);
            var first = ETag(headers);

            var patched = await PatchAsync(cases[slug], first, "First edit.", report);
            FlowException.Check(patched.Summary == "First edit.", "the first patch was not applied");
            try
            {
                await PatchAsync(cases[slug], first, "Edit from a stale read.", report);
                throw new FlowException("a patch with a stale If-Match was applied");
            }
            catch (Problem conflict) when (conflict.ResponseStatusCode == 412)
            {
                // Recovery without a GET: the 412 carries the current ETag.
                var current = conflict.ResponseHeaders.TryGetValue("ETag", out var values) ? values.FirstOrDefault() : null;
                FlowException.Check(current is not null, $"the 412 ({conflict.Code}) carries no current ETag");
                var recovered = await PatchAsync(cases[slug], current!, "Edit reapplied after a 412.", report);
                FlowException.Check(recovered.Summary == "Edit reapplied after a 412.", "the recovered patch was not applied");
            }
            return $"{response?.Id}: 201, 200, 412 (code and current ETag), then 200 with the 412's ETag";
        });

        await report.StepAsync("poll with a 304", async () =>
        {
            var slug = created.FirstOrDefault() ?? throw new FlowException("no case was created to poll");
            var headers = Inspect();
            await cases[slug].GetAsync(c => c.Options.Add(headers));
            var again = await cases[slug].GetAsync(c => c.Headers.Add("If-None-Match", ETag(headers)));
            report.Glue(ByDesignHeaders, byDesign: true);
            FlowException.Check(again is null, "GET /cases/{id} with the current ETag returned a body");

            var summary = Inspect();
            await client.Api.V1.Stats.Summary.GetAsync(c => c.Options.Add(summary));
            var polled = await client.Api.V1.Stats.Summary.GetAsync(c => c.Headers.Add("If-None-Match", ETag(summary)));
            FlowException.Check(polled is null, "GET /stats/summary with the current ETag returned a body");
            return "GET /cases/{id} and GET /stats/summary answered 304 (the client returned null)";
        });

        await report.StepAsync("import a CSV file", async () =>
        {
            var slug = Throwaway.Slug("kiota", "import");
            // The file as it is: /imports/file takes a raw body, which Kiota streams with the media type it is given.
            using var csv = new MemoryStream(Encoding.UTF8.GetBytes(Throwaway.Csv(slug)));
            var imported = await client.Api.V1.Imports.File.PostAsync(csv, "text/csv", c =>
            {
                c.QueryParameters.DryRun = false;
                c.Headers.Add("Idempotency-Key", $"{slug}-key");
            });
            created.Add(slug);
            FlowException.Check(imported?.Created == 1, $"the import created {imported?.Created} case(s), not 1");
            return $"import {imported!.Id}: {imported.Created} created";
        });

        await report.StepAsync("read a 400's field errors", async () =>
        {
            try
            {
                await cases.PostAsync(new CaseRequest { Title = Throwaway.Title });
                throw new FlowException("a case without a slug was created");
            }
            catch (Problem problem) when (problem.ResponseStatusCode == 400)
            {
                var fields = problem.Errors?.AdditionalData.Keys ?? [];
                FlowException.Check(fields.Contains("slug"), "the problem's errors do not name 'slug'");
                return $"400 {problem.Code}: {string.Join("; ", fields)}";
            }
            catch (ApiException e) when (e.ResponseStatusCode == 400)
            {
                report.Glue("a 400 has no error type (oneOf without a discriminator): the problem and its errors are unread");
                return "400, as an untyped ApiException";
            }
        });

        await report.StepAsync("clean up", async () =>
        {
            foreach (var slug in created)
            {
                var headers = Inspect();
                await cases[slug].GetAsync(c => c.Options.Add(headers));
                await cases[slug].DeleteAsync(c => c.Headers.Add("If-Match", ETag(headers)));
            }
            return $"{created.Count} case(s) deleted";
        });
        return report;
    }

    private static async Task<CaseResponse> PatchAsync(CasesItemRequestBuilder item, string etag, string summary, FlowReport report)
    {
        // A merge patch is an open object: its members go into AdditionalData.
        var patch = new CasesPatchRequestBody { AdditionalData = new Dictionary<string, object> { ["summary"] = summary } };
        report.Glue(ByDesignHeaders, byDesign: true);
        return await item.PatchAsync(patch, c => c.Headers.Add("If-Match", etag)) ?? throw new FlowException("PATCH returned no case");
    }

    private static HeadersInspectionHandlerOption Inspect() => new() { InspectResponseHeaders = true };

    private static string ETag(HeadersInspectionHandlerOption headers) =>
        headers.ResponseHeaders.TryGetValue("ETag", out var values) && values.FirstOrDefault() is { } tag
            ? tag
            : throw new FlowException("the response has no ETag");

}
