using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Infrastructure.Auth;

/// <summary>The 401 and 403 problems of both schemes, so a client reads one shape whichever credential it sent.</summary>
internal static class AuthProblems
{
    public const string Challenge = "Bearer realm=\"CaseApi\"";

    public static Task UnauthorizedAsync(HttpContext http, string? failure)
    {
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = Challenge;
        return WriteAsync(http, StatusCodes.Status401Unauthorized, "A credential is required.", failure
            ?? $"Send an API key as 'Authorization: Bearer <key>' or '{ApiKeyAuthenticationHandler.HeaderName}: <key>', "
            + "or an access token from the organisation's identity provider as 'Authorization: Bearer <token>'.");
    }

    public static Task ForbiddenAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        var roles = http.User.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList();
        var held = roles.Count == 0 ? "no role this service knows" : $"the role '{string.Join("', '", roles)}'";
        return WriteAsync(http, StatusCodes.Status403Forbidden, "The credential's role does not allow this.",
            $"The credential has {held}, which may not {http.Request.Method} {http.Request.Path}. "
            + "Roles: reader < editor < admin; a reviewer reads what a reader reads.");
    }

    private static Task WriteAsync(HttpContext http, int status, string title, string detail) =>
        http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
}
