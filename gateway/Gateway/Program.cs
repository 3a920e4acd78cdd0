using HubPlatform.Gateway.Admin;
using HubPlatform.Gateway.Extensions;
using HubPlatform.Gateway.OpenApi;
using HubPlatform.Gateway.RateLimiting;
using HubPlatform.Gateway.WebExplorer;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

// Outermost: exceptions and bare status codes become problem details.
app.MapDefaultEndpoints();
app.UseSecurityHeaders();
app.UseCors();
app.UseProxyErrorsAsProblemDetails();
// The client's own address behind a trusted proxy: what the rate limits key on.
app.UseTrustedProxies();
app.UseClientRateLimit();
app.UseExplorerAssets();
app.UseAdminApiKey();
app.UseOutputCache();
app.MapPublicApiDocument();
app.MapDeadLettersApi();
app.MapExplorer();
app.MapReverseProxy();

app.Run();
