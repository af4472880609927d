// dp-cards serves CardService. Its domain RPCs arrive with the issue that
// builds the service; until then it runs the shared skeleton.
#include "dp/v1/cards.grpc.pb.h"
#include "service/skeleton.h"

int main(int argc, char** argv) {
  return dp::service::RunSkeleton<dp::v1::CardService::Service>("cards", "127.0.0.1:7054",
                                                                 argc, argv);
}
