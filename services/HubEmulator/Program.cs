using HubPlatform.HubEmulator.Apis;
using HubPlatform.HubEmulator.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddHubData();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRepoApi();
app.MapRepoCardApi();

app.Run();

public partial class Program;
