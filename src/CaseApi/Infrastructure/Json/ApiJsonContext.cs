using System.Text.Json;
using System.Text.Json.Serialization;
using CaseApi.Cases;
using CaseApi.Infrastructure.Paging;

namespace CaseApi.Infrastructure.Json;

/// <summary>
/// Compile-time JSON metadata and writers for the bodies served most (a case, a page of cases): no reflection-built
/// contract at start-up and a generated fast path per write. Its options mirror <see cref="ApiJson.Configure"/>.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict, MaxDepth = 32,
    PropertyNameCaseInsensitive = false, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CaseResponse))]
[JsonSerializable(typeof(PagedResponse<CaseResponse>))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
