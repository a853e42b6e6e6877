using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Infrastructure.PostSuccess;

public static class PostSuccessServices
{
    public static IServiceCollection AddPostSuccess(this IServiceCollection services)
    {
        services.AddSingleton<PostSuccessActionRunner>();
        services.AddSingleton<PostSuccessReports>();
        services.AddSingleton<PostSuccessService>();
        return services;
    }
}
