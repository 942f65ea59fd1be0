import BuildProvenance
import Eigen
import PipelineCore

StageMain.run(EigenStage.self, codeTable: codeTable)
