using HubPlatform.Gateway.Admin;
using HubPlatform.Gateway.Extensions;
using HubPlatform.Gateway.OpenApi;
using HubPlatform.Gateway.RateLimiting;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

// Outermost: exceptions and bare status codes become problem details.
app.MapDefaultEndpoints();
app.UseSecurityHeaders();
app.UseCors();
app.UseProxyErrorsAsProblemDetails();
app.UseClientRateLimit();
app.UseAdminApiKey();
app.UseOutputCache();
app.MapPublicApiDocument();
app.MapDeadLettersApi();
app.MapReverseProxy();

app.Run();
