using Microsoft.Extensions.Hosting;

namespace HubPlatform.Tests.Support;

/// <summary>The admin key the tests give the services they host (<c>Admin:ApiKey</c>) and send to their admin routes.</summary>
public static class TestAdminKey
{
    public const string Value = "test-admin-key";

    public static HttpClient WithAdminKey(this HttpClient http)
    {
        http.DefaultRequestHeaders.Remove(AdminKey.Header);
        http.DefaultRequestHeaders.Add(AdminKey.Header, Value);
        return http;
    }
}
