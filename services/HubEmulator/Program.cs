using HubPlatform.HubEmulator.Apis;
using HubPlatform.HubEmulator.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddHubData();
builder.AddHubTraffic();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseHubClock();
app.UseHubTraffic();
app.MapRepoApi();
app.MapRepoCardApi();
app.MapRepoFileApi();
app.MapAuthorApi();
app.MapAdminApi();

app.Run();

public partial class Program;
