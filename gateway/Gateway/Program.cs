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
app.UseAdminApiKey();
app.UseOutputCache();
// Inside the output cache: it stores the compressed bodies, so a cached answer costs no compression.
app.UseResponseCompression();
app.UseExplorerAssets();
app.MapPublicApiDocument();
app.MapDeadLettersApi();
app.MapExplorer();
app.MapReverseProxy();

app.Run();
