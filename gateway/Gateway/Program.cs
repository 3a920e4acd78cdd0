using HubPlatform.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.UseProxyErrorsAsProblemDetails();
app.UseAdminApiKey();
app.MapDefaultEndpoints();
app.MapReverseProxy();

app.Run();
